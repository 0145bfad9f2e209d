namespace Gryphgen.Symaug.Sandbox;

/// <summary>Checks a condition of a running run every second and acts once it holds (out of memory, over quota).</summary>
public static class RunWatch
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static IDisposable Every(Func<bool> condition, Action then) => new Timer(_ =>
    {
        try
        {
            if (condition()) then();
        }
        catch (IOException)
        {
            // What it reads is going away with the run's end.
        }
    }, null, Interval, Interval);
}
