namespace Gryphgen.Symaug.Sandbox;

/// <summary>The backend SYMAUG confines runs with, chosen once at start from <see cref="SandboxOptions.Backend"/>, and why.</summary>
public sealed record SandboxChoice(ISandboxBackend Backend, string Reason)
{
    /// <summary>
    /// <c>auto</c> asks the container backend whether a runtime answers and the image exists (a moment at start);
    /// the explicit choices ask nothing, and an explicit container backend that cannot run makes SYMAUG unhealthy.
    /// </summary>
    public static SandboxChoice Choose(SandboxOptions options, BubblewrapBackend bubblewrap, ContainerBackend container) => options.Backend switch
    {
        Backends.Bubblewrap => new(bubblewrap, "Sandbox:Backend bubblewrap"),
        Backends.Container => new(container, "Sandbox:Backend container"),
        _ => container.WhyNotAsync(CancellationToken.None).GetAwaiter().GetResult() is { } why
            ? new(bubblewrap, $"Sandbox:Backend auto chose bubblewrap: {why}")
            : new(container, "Sandbox:Backend auto chose the container: a runtime answered and the image exists"),
    };
}
