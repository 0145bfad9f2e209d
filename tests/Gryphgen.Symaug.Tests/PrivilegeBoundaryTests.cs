using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Symaug.Sandbox;
using Gryphgen.Testing;
using static Gryphgen.Symaug.Tests.WorkspaceRequests;

namespace Gryphgen.Symaug.Tests;

/// <summary>
/// Nothing a caller supplies reaches a root process: the sandbox is set up as root (no user namespace), so a
/// loader variable that reached setpriv before the drop would run the caller's library as host root.
/// </summary>
public abstract class PrivilegeBoundaryTests(SymaugServer server)
{
    /// <summary>On the bubblewrap backend.</summary>
    public sealed class Bubblewrap(SymaugServer server) : PrivilegeBoundaryTests(server), IClassFixture<SymaugServer>;

    /// <summary>On the container backend: the same attacks, the same verdicts.</summary>
    public sealed class Container(ContainerSymaugServer server) : PrivilegeBoundaryTests(server), IClassFixture<ContainerSymaugServer>;

    private Contracts.Workspaces.WorkspacesClient Client => server.Client;

    /// <summary>A workspace holding <c>probe.so</c>, built in the sandbox from <see cref="LoaderProbe.Source"/>.</summary>
    private async Task<string> WorkspaceWithProbeAsync()
    {
        var id = await Client.NewWorkspaceAsync("privilege");
        await Client.WriteFilesAsync(new WriteFilesRequest { WorkspaceId = id, Files = { File("probe.c", LoaderProbe.Source) } });
        var build = await Client.RunAsync(new RunRequest
        {
            WorkspaceId = id, Command = { "gcc", "-shared", "-fPIC", "-o", "probe.so", "probe.c" },
            Limits = new RunLimits { TimeLimitMs = 120_000 },
        });
        Assert.True(build.ExitCode == 0, build.Stderr.ToStringUtf8());
        return id;
    }

    private string ProbeLog(string id) => Path.Combine(server.FilesOf(id), "probe.log");

    [Fact]
    public async Task Variables_that_steer_the_loader_or_an_interpreter_are_refused_by_name_and_nothing_runs()
    {
        var id = await WorkspaceWithProbeAsync();

        foreach (var name in new[] { "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "GCONV_PATH", "GLIBC_TUNABLES", "MALLOC_CHECK_", "LOCPATH", "PYTHONSTARTUP" })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => Client.RunAsync(new RunRequest
            {
                WorkspaceId = id, Command = { "true" }, Environment = { [name] = "/workspace/probe.so" },
            }).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains(name, error.Status.Detail);
        }
        Assert.False(System.IO.File.Exists(ProbeLog(id)), "a refused run must not have started");
    }

    [Fact]
    public async Task The_callers_environment_reaches_the_command_which_runs_as_the_sandbox_user_with_no_capabilities()
    {
        var id = await Client.NewWorkspaceAsync("privilege");
        await Client.WriteFilesAsync(new WriteFilesRequest { WorkspaceId = id, Files = { File("lib/helper.py", "NAME = 'helper'\n") } });

        var result = await Client.RunAsync(new RunRequest
        {
            WorkspaceId = id, Command = { "/usr/bin/python3", "-c",
                "import os, helper; caps = [l.split()[1] for l in open('/proc/self/status') if l.startswith('CapEff:')][0]; " +
                "print(os.environ['GREETING'], helper.NAME, os.getuid(), caps, os.environ['PATH'])" },
            Environment = { ["GREETING"] = "hi", ["PYTHONPATH"] = "/workspace/lib" },
        });

        Assert.True(result.ExitCode == 0, result.Stderr.ToStringUtf8());
        Assert.Equal($"hi helper {server.UidOf(id)} {LoaderProbe.NoCapabilities} /usr/local/bin:/usr/bin:/bin\n", result.Stdout.ToStringUtf8());
    }

    [Fact]
    public async Task Even_a_loader_variable_given_to_the_sandbox_directly_is_loaded_only_after_the_drop()
    {
        var id = await WorkspaceWithProbeAsync();
        // Past the API's refusal, straight to SYMAUG's runner: the environment must still reach no root process.
        var result = await server.Service<SandboxedRunner>().RunAsync(new SandboxRun(server.FilesOf(id), ["/bin/sh", "-c", "echo $GREETING"], TimeSpan.FromSeconds(60), 1 << 20)
        {
            Environment = new Dictionary<string, string> { ["LD_PRELOAD"] = "/workspace/probe.so", ["GREETING"] = "hi" },
        }, CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("hi\n", result.Stdout.ToStringUtf8());
        var loadedInto = System.IO.File.ReadAllLines(ProbeLog(id));
        Assert.NotEmpty(loadedInto); // the library was loaded: into the command's processes
        Assert.All(loadedInto, process => Assert.Equal($"{server.UidOf(id)} {LoaderProbe.NoCapabilities}", process));
    }
}
