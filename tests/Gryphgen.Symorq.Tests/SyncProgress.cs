namespace Gryphgen.Symorq.Tests;

/// <summary>Reports on the calling thread, so a test sees every note once the job is done.</summary>
internal sealed class SyncProgress(Action<string> report) : IProgress<string>
{
    public void Report(string value) => report(value);
}
