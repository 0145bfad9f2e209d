using Google.Protobuf;
using Gryphgen.Contracts;

namespace Gryphgen.Symaug.Tests;

/// <summary>Short ways to say the requests the tests send.</summary>
public static class WorkspaceRequests
{
    public static FileContent File(string path, string content) => new() { Path = path, Content = ByteString.CopyFromUtf8(content) };

    public static RunRequest Shell(string workspaceId, string script, int timeLimitMs = 20_000, long outputLimitBytes = 0) => new()
    {
        WorkspaceId = workspaceId, Command = { "/bin/bash", "-c", script },
        Limits = new RunLimits { TimeLimitMs = timeLimitMs, OutputLimitBytes = outputLimitBytes },
    };
}
