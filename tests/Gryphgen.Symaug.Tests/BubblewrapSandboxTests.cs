using System.Net;
using System.Net.Sockets;
using Gryphgen.Symaug.Sandbox;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Tests;

/// <summary>The real bubblewrap sandbox: it works here, and what runs inside it cannot reach out.</summary>
public sealed class BubblewrapSandboxTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private readonly BubblewrapSandbox _sandbox = new(Options.Create(new SandboxOptions()));

    private Task<ProcessResult> RunConfined(string script) => _sandbox.RunConfinedAsync(["/bin/sh", "-c", script], Limit, CancellationToken.None);

    [Fact]
    public async Task The_sandbox_is_available_on_this_machine()
    {
        var availability = await _sandbox.ProbeAsync(CancellationToken.None);
        Assert.True(availability.Available, availability.Detail);
    }

    [Fact]
    public async Task Code_inside_cannot_connect_to_a_server_on_the_host()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var inside = await RunConfined(
            $"/usr/bin/python3 -c \"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2)\" && echo connected");
        var outside = await ProcessRunner.RunAsync("/usr/bin/python3",
            ["-c", $"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2); print('connected')"], Limit);

        Assert.Contains("connected", outside.StandardOutput); // the same code does connect unconfined
        Assert.False(inside.Succeeded);
        Assert.DoesNotContain("connected", inside.StandardOutput);
        Assert.Contains("ConnectionRefused", inside.StandardError);
    }

    [Fact]
    public async Task Code_inside_cannot_write_to_system_folders_or_see_the_hosts_home()
    {
        var result = await RunConfined("touch /usr/gryphgen-escape 2>&1; ls /root 2>&1; echo done");
        Assert.Contains("Read-only file system", result.StandardOutput);
        Assert.Contains("No such file or directory", result.StandardOutput);
        Assert.False(File.Exists("/usr/gryphgen-escape"));
    }

    [Theory]
    [InlineData("unshare -U true", "unshare failed: Operation not permitted")] // a new user namespace (the sandbox user may make one without the filter)
    // ptrace(PTRACE_TRACEME), bpf, keyctl, userfaultfd, perf_event_open and a clone() that makes a user namespace: errno 1 (EPERM)
    [InlineData("/usr/bin/python3 -c \"import ctypes; c = ctypes.CDLL(None, use_errno=True); " +
                "print([(c.syscall(n, 0, 0, 0, 0, 0), ctypes.get_errno()) for n in (101, 321, 250, 323, 298)], c.syscall(56, 0x10000000 | 17, 0, 0, 0, 0), ctypes.get_errno())\"",
                "[(-1, 1), (-1, 1), (-1, 1), (-1, 1), (-1, 1)] -1 1")]
    public async Task System_calls_test_code_never_needs_are_refused_inside(string script, string expected)
    {
        var result = await RunConfined(script + " 2>&1");
        Assert.Contains(expected, result.StandardOutput);
    }

    [Fact]
    public async Task A_missing_bubblewrap_makes_the_sandbox_unavailable_with_the_fix()
    {
        using var missing = new BubblewrapSandbox(Options.Create(new SandboxOptions { Bubblewrap = "/nonexistent/bwrap" }));
        var availability = await missing.ProbeAsync(CancellationToken.None);
        Assert.False(availability.Available);
        Assert.Contains("refuses to run generated code", availability.Detail);
        Assert.Contains("scripts/setup.sh", availability.Detail);
    }

    public void Dispose() => _sandbox.Dispose();
}
