using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Testing;
using Gryphgen.Symaug.Sandbox;
using static Gryphgen.Symaug.Tests.WorkspaceRequests;

namespace Gryphgen.Symaug.Tests;

/// <summary>Runs in the sandbox: what they report, and hostile programs contained with the host unharmed.</summary>
public abstract class WorkspaceRunTests(SymaugServer server)
{
    /// <summary>On the bubblewrap backend.</summary>
    public sealed class Bubblewrap(SymaugServer server) : WorkspaceRunTests(server), IClassFixture<SymaugServer>;

    /// <summary>On the container backend: the same attacks, the same verdicts.</summary>
    public sealed class Container(ContainerSymaugServer server) : WorkspaceRunTests(server), IClassFixture<ContainerSymaugServer>;

    private Contracts.Workspaces.WorkspacesClient Client => server.Client;

    private Task<string> NewWorkspaceAsync() => Client.NewWorkspaceAsync("runs");

    [Fact]
    public async Task A_run_gets_stdin_and_environment_and_reports_exit_code_output_and_times()
    {
        var id = await NewWorkspaceAsync();
        var result = await Client.RunAsync(new RunRequest
        {
            WorkspaceId = id, Command = { "/usr/bin/python3", "-c",
                "import os, sys; print(sys.stdin.read().upper()); print(os.environ['GREETING'], os.getcwd(), os.getuid(), file=sys.stderr); sum(range(10**7)); sys.exit(3)" },
            Stdin = ByteString.CopyFromUtf8("hello"), Environment = { ["GREETING"] = "hi" },
        });

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("HELLO\n", result.Stdout.ToStringUtf8());
        Assert.Equal($"hi /workspace {server.UidOf(id)}\n", result.Stderr.ToStringUtf8());
        Assert.False(result.Killed);
        Assert.Equal(StopReason.None, result.StopReason);
        // The container backend cannot count it yet: the container's cgroup is gone with the container.
        Assert.True(result.CpuTimeMs > 0 || server.Backend == Backends.Container, "the CPU time of the sandboxed process is counted");
        Assert.True(result.WallTimeMs >= result.CpuTimeMs / 2);
    }

    [Fact]
    public async Task Files_written_by_a_run_are_in_the_workspace_but_seed_files_are_read_only()
    {
        var id = await NewWorkspaceAsync();
        var result = await Client.RunAsync(Shell(id, "echo made > made.txt; echo evil > tests/test_app.py; rm -f tests/test_app.py; echo $?"));

        Assert.Contains("Read-only file system", result.Stderr.ToStringUtf8());
        Assert.Equal("made\n", (await Client.ReadFileAsync(new ReadFileRequest { WorkspaceId = id, Path = "made.txt" })).Content.ToStringUtf8());
        Assert.Equal("def test_app(): pass\n", (await Client.ReadFileAsync(new ReadFileRequest { WorkspaceId = id, Path = "tests/test_app.py" })).Content.ToStringUtf8());
    }

    [Fact]
    public async Task Code_that_opens_a_network_connection_cannot_reach_the_host()
    {
        var id = await NewWorkspaceAsync();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var result = await Client.RunAsync(new RunRequest
        {
            WorkspaceId = id, Command = { "/usr/bin/python3", "-c", $"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2)" },
        });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("ConnectionRefused", result.Stderr.ToStringUtf8());
        Assert.False(listener.Pending());
    }

    [Fact]
    public async Task Code_that_writes_outside_the_workspace_changes_nothing_on_the_host()
    {
        var id = await NewWorkspaceAsync();
        var marker = $"gryphgen-escape-{Guid.NewGuid():N}";
        var result = await Client.RunAsync(Shell(id,
            $"for d in /etc /usr /opt /root /var /; do touch $d/{marker} 2>&1; done; touch /tmp/{marker} && echo tmp-ok; " +
            $"touch {server.Root}/{marker} 2>&1; echo done"));

        Assert.Contains("done", result.Stdout.ToStringUtf8());
        Assert.Contains("tmp-ok", result.Stdout.ToStringUtf8()); // a private /tmp, thrown away with the run
        foreach (var folder in new[] { "/etc", "/usr", "/opt", "/root", "/var", "/", "/tmp", server.Root })
        {
            Assert.False(System.IO.File.Exists(Path.Combine(folder, marker)), $"{folder}/{marker} escaped the sandbox");
        }
    }

    [Fact]
    public async Task Code_that_loops_forever_is_killed_at_the_time_limit()
    {
        var id = await NewWorkspaceAsync();
        var result = await Client.RunAsync(Shell(id, "echo started; while :; do :; done", timeLimitMs: 1500));

        Assert.True(result.Killed);
        Assert.Equal(StopReason.Timeout, result.StopReason);
        Assert.Equal("started\n", result.Stdout.ToStringUtf8());
        await AssertNoSandboxProcessesLeftAsync(server.UidOf(id));
    }

    [Fact]
    public async Task Code_that_prints_gigabytes_is_cut_at_the_output_limit_and_killed()
    {
        var id = await NewWorkspaceAsync();
        var result = await Client.RunAsync(Shell(id, "yes gryphgen", outputLimitBytes: 64 * 1024));

        Assert.True(result.Killed);
        Assert.Equal(StopReason.Output, result.StopReason);
        Assert.True(result.StdoutTruncated);
        Assert.Equal(64 * 1024, result.Stdout.Length);
        Assert.StartsWith("gryphgen\ngryphgen\n", result.Stdout.ToStringUtf8());
        await AssertNoSandboxProcessesLeftAsync(server.UidOf(id));
    }

    [Fact]
    public async Task Code_that_allocates_without_end_fails_at_the_address_space_limit()
    {
        var id = await NewWorkspaceAsync();
        var result = await Client.RunAsync(new RunRequest
        {
            WorkspaceId = id, Command = { "/usr/bin/python3", "-c", "x = []\nwhile True: x.append(' ' * 10**7)" },
        });

        Assert.Equal(StopReason.Memory, result.StopReason);
        Assert.Contains("MemoryError", result.Stderr.ToStringUtf8());
    }

    [Fact]
    public async Task Code_that_writes_a_huge_file_is_stopped_at_the_file_size_limit()
    {
        var id = await NewWorkspaceAsync();
        var result = await Client.RunAsync(Shell(id, $"head -c {SymaugServer.FileSizeBytes * 4} /dev/zero > big.bin"));

        Assert.True(result.Killed);
        Assert.Equal(StopReason.FileSize, result.StopReason);
        Assert.Equal(SymaugServer.FileSizeBytes, new FileInfo(Path.Combine(server.FilesOf(id), "big.bin")).Length);
    }

    [Fact]
    public async Task A_fork_bomb_stops_at_the_process_limit_and_the_host_can_still_fork()
    {
        var id = await NewWorkspaceAsync();
        var result = await Client.RunAsync(Shell(id, "f() { f | f & }; f; sleep 30", timeLimitMs: 3000));

        Assert.Equal(StopReason.Timeout, result.StopReason);
        Assert.Contains("fork", result.Stderr.ToStringUtf8()); // "fork: Resource temporarily unavailable"
        await AssertNoSandboxProcessesLeftAsync(server.UidOf(id));
        using var host = Process.Start("true")!;
        await host.WaitForExitAsync();
        Assert.Equal(0, host.ExitCode);
    }

    [Fact]
    public async Task Bad_run_requests_are_rejected()
    {
        var id = await NewWorkspaceAsync();
        var empty = await Assert.ThrowsAsync<RpcException>(() => Client.RunAsync(new RunRequest { WorkspaceId = id }).ResponseAsync);
        var badEnvironment = await Assert.ThrowsAsync<RpcException>(() => Client.RunAsync(new RunRequest
        {
            WorkspaceId = id, Command = { "true" }, Environment = { ["BAD=NAME"] = "x" },
        }).ResponseAsync);
        var negative = await Assert.ThrowsAsync<RpcException>(() => Client.RunAsync(Shell(id, "true", timeLimitMs: -1)).ResponseAsync);
        Assert.All([empty, badEnvironment, negative], e => Assert.Equal(StatusCode.InvalidArgument, e.StatusCode));
    }

    /// <summary>Nothing the run started is still running as the sandbox user once the run has answered.</summary>
    private static Task AssertNoSandboxProcessesLeftAsync(int uid) => Eventually.Get(() => Task.FromResult(HostProcess.RunningAs(uid)),
        left => left.Count == 0, TimeSpan.FromSeconds(10), "the sandbox's processes ending");
}
