using Google.Protobuf;
using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Symaug.Tests;

/// <summary>Short ways to say the requests the tests send.</summary>
public static class WorkspaceRequests
{
    public static FileContent File(string path, string content) => new() { Path = path, Content = ByteString.CopyFromUtf8(content) };

    /// <summary>A new workspace with one protected seed file, <c>tests/test_app.py</c>, for a new task named after <paramref name="taskName"/>.</summary>
    public static async Task<string> NewWorkspaceAsync(this Contracts.Workspaces.WorkspacesClient client, string taskName) =>
        (await client.CreateAsync(new CreateWorkspaceRequest
        {
            TaskId = TaskIds.New(taskName), SeedFiles = { File("tests/test_app.py", "def test_app(): pass\n") },
        })).WorkspaceId;

    /// <summary>The workspace's export, read back entry by entry.</summary>
    public static Task<IReadOnlyDictionary<string, ExportedEntry>> ExportAsync(this Contracts.Workspaces.WorkspacesClient client, string workspaceId) =>
        ExportedArchive.ReadAsync(client.Export(new WorkspaceRef { WorkspaceId = workspaceId }).ResponseStream.ReadAllAsync().Select(chunk => chunk.Data));

    /// <summary>
    /// A fork bomb that stays at its limit until its run is stopped: every process retries a refused fork, where a
    /// shell bomb's processes give up and their count swings far below the limit.
    /// </summary>
    public const string ForkBomb = """
        python3 -c '
        import os, time
        while True:
            try:
                os.fork()
            except OSError:
                time.sleep(0.05)
        '
        """;

    /// <summary>Forks sleeping children until a fork is refused, prints how many it made, and ends them all.</summary>
    public const string ForkUntilRefused = """
        python3 -c '
        import os, signal, time
        children = []
        try:
            while True:
                pid = os.fork()
                if pid == 0:
                    time.sleep(60)
                    os._exit(0)
                children.append(pid)
        except OSError:
            pass
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        for pid in children:
            os.waitpid(pid, 0)
        print(len(children))
        '
        """;

    public static RunRequest Shell(string workspaceId, string script, int timeLimitMs = 20_000, long outputLimitBytes = 0) => new()
    {
        WorkspaceId = workspaceId, Command = { "/bin/bash", "-c", script },
        Limits = new RunLimits { TimeLimitMs = timeLimitMs, OutputLimitBytes = outputLimitBytes },
    };
}
