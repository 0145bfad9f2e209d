using System.Diagnostics;

namespace Gryphgen.Testing.Tests;

/// <summary>A readiness loop that sees a process exit reports what the process said, all of it.</summary>
public sealed class LoggedProcessTests
{
    [Fact]
    public async Task The_exit_report_holds_the_last_line_a_process_wrote_before_it_exited()
    {
        // Much output then the reason, as a service refusing its configuration writes it: the exit is seen before
        // the reader threads have drained the pipes.
        await using var process = LoggedProcess.Start(new ProcessStartInfo("sh",
            ["-c", "seq 1 20000; echo 'the reason it stopped' >&2; exit 3"]));
        await Eventually.Get(() => Task.FromResult(process.HasExited), exited => exited, TimeSpan.FromSeconds(30), "the process exited");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => process.ThrowIfExitedAsync("sh"));

        Assert.StartsWith("sh exited with 3:", error.Message);
        Assert.Contains("the reason it stopped", error.Message);
    }

    [Fact]
    public async Task A_reason_on_stderr_outlives_any_amount_of_stdout()
    {
        // The reason first, then more stdout than the log keeps: one shared tail would have dropped it every time.
        await using var process = LoggedProcess.Start(new ProcessStartInfo("sh",
            ["-c", "echo 'the reason it stopped' >&2; seq 1 20000; exit 3"]));
        await Eventually.Get(() => Task.FromResult(process.HasExited), exited => exited, TimeSpan.FromSeconds(30), "the process exited");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => process.ThrowIfExitedAsync("sh"));

        Assert.Contains("the reason it stopped", error.Message);
        Assert.EndsWith("\n20000", error.Message);
    }

    [Fact]
    public async Task A_running_process_is_not_reported()
    {
        await using var process = LoggedProcess.Start(new ProcessStartInfo("sleep", ["30"]));

        await process.ThrowIfExitedAsync("sleep");

        Assert.False(process.HasExited);
    }
}
