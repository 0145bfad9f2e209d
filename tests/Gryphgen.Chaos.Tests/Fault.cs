using Gryphgen.Testing;

namespace Gryphgen.Chaos.Tests;

/// <summary>
/// One fault: injected at a random moment while tasks run, and healed before <see cref="InjectAsync"/> returns.
/// <see cref="PrepareAsync"/>, if any, runs before the tasks are submitted (what takes too long to start at the moment).
/// With <see cref="AnalyzerOnLlama"/> the tasks' analyzer asks the real llama-server instead of a scripted server.
/// </summary>
public sealed record Fault(string Name, Func<ChaosSystem, Task> InjectAsync, Func<ChaosSystem, Task>? PrepareAsync = null, bool AnalyzerOnLlama = false)
{
    /// <summary>The tasks' models per role (the spec's <c>models</c> map).</summary>
    public string Models => AnalyzerOnLlama ? $"generator: coder, analyzer: {ChaosSystem.AnalysisAlias}" : "generator: coder";

    /// <summary>How long a killed process stays down, or a paused one stopped: longer than a blip, shorter than any step's limit.</summary>
    public static readonly TimeSpan Outage = TimeSpan.FromSeconds(5);

    /// <summary>Longer than the claims' lease (<c>LeaseDuration</c> is 3 s in <see cref="MissionSystem"/>).</summary>
    public static readonly TimeSpan PastTheLease = TimeSpan.FromSeconds(7);

    public static readonly IReadOnlyList<Fault> All =
    [
        new("SYMORQ SIGKILL, restarted at once", s => s.RestartSymorqAsync()),
        new("SYMAUG SIGKILL, down 5 s", async s =>
        {
            s.KillSymaug();
            await Task.Delay(Outage);
            await s.StartSymaugAgainAsync();
        }),
        new("SYMORG SIGKILL, down 5 s", async s =>
        {
            s.Symorg.Kill();
            await Task.Delay(Outage);
            await s.StartSymorgAgainAsync();
        }),
        new("generator agent SIGKILL, down 5 s", async s =>
        {
            s.KillAgent("generator");
            await Task.Delay(Outage);
            await s.StartAgentAgainAsync("generator");
        }),
        new("PostgreSQL SIGKILL, down 5 s", async s =>
        {
            s.Postgres.Kill();
            await Task.Delay(Outage);
            await s.Postgres.StartAgainAsync();
        }),
        new("Redis SIGKILL, down 5 s (restarts empty)", async s =>
        {
            s.Redis.Kill();
            await Task.Delay(Outage);
            await s.Redis.StartAgainAsync();
        }),
        new("llama-server SIGKILL, down 5 s (the analyzer's real model)", async s =>
        {
            s.KillLlama();
            await Task.Delay(Outage);
            await s.StartLlamaAgainAsync();
        }, AnalyzerOnLlama: true),
        new("LLM endpoint stopped, down 5 s", async s =>
        {
            await s.StopLlmAsync();
            await Task.Delay(Outage);
            await s.StartLlmAgainAsync();
        }),
        new("SYMORQ SIGSTOP for 7 s (past its 3 s lease)", async s =>
        {
            s.Symorq.Pause();
            await Task.Delay(PastTheLease);
            s.Symorq.Resume();
        }),
        new("SYMAUG SIGSTOP for 7 s", async s =>
        {
            s.Symaug.Pause();
            await Task.Delay(PastTheLease);
            s.Symaug.Resume();
        }),
        new("generator agent SIGSTOP for 7 s (past its 3 s heartbeat expiry)", async s =>
        {
            s.PauseAgent("generator");
            await Task.Delay(PastTheLease);
            s.ResumeAgent("generator");
        }),
        new("SYMORQ cut off from PostgreSQL for 7 s (a partition past its lease)", async s =>
        {
            s.DatabaseLink.Cut();
            await Task.Delay(PastTheLease);
            s.DatabaseLink.Heal();
        }),
        new("second SYMORQ replica takes over a paused SYMORQ's tasks, then is SIGKILLed", async s =>
        {
            s.Symorq.Pause();
            await Task.Delay(PastTheLease);
            s.Symorq.Resume();
            await Task.Delay(TimeSpan.FromSeconds(2));
            await s.KillReplicaAsync();
        }, PrepareAsync: s => s.StartSecondReplicaAsync()),
        new("workspace disk filled for 5 s", async s =>
        {
            var filler = await s.FillWorkspaceDiskAsync();
            await Task.Delay(Outage);
            File.Delete(filler);
        }),
    ];

    public override string ToString() => Name;
}
