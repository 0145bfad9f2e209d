using Grpc.Core;
using Gryphgen.Cli.Commands;

namespace Gryphgen.Cli;

/// <summary>Turns failures into one clear line on stderr and exit code 2, instead of a stack trace.</summary>
public static class CliErrors
{
    public const int ExitCode = 2;

    public static async Task<int> Guard(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (CliException ex)
        {
            return Fail(ex.Message);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            return Fail($"cannot reach GRYPHGEN: {ex.Status.Detail} (is the AppHost running? set --url or ${GryphgenConnection.UrlVariable})");
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated)
        {
            return Fail($"{ex.Status.Detail} The CLI sends ${GryphgenConnection.ApiKeyVariable}, else the key in {GryphgenConnection.KeyFile}.");
        }
        catch (RpcException ex)
        {
            return Fail(ex.Status.Detail);
        }
    }

    private static int Fail(string message)
    {
        // A service's error may quote what a model or a caller wrote.
        Console.Error.WriteLine($"gryphgen: {Shown.Plain(message)}");
        return ExitCode;
    }
}
