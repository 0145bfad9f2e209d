using Gryphgen.Contracts;
using Gryphgen.Contracts.Containers;
using Gryphgen.Symaug.Workspaces;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// Which image a workspace's runs use. A task may name one (<c>sandbox.image</c>): only where runs are containers,
/// only an image the operator allowed (<see cref="SandboxOptions.Image"/> or <see cref="SandboxOptions.AllowedImages"/>),
/// and only one already in the runtime's store (no registry is reached). Checked once, when the workspace is created.
/// </summary>
public sealed class RunImages(IOptions<SandboxOptions> options, SandboxChoice choice, ContainerBackend containers)
{
    /// <summary>The image to keep with the workspace (null for <see cref="SandboxOptions.Image"/>), or the refusal.</summary>
    public async Task<string?> ChooseAsync(string requested, CancellationToken cancellationToken)
    {
        if (requested.Length == 0) return null;
        if (ContainerImageNames.Problem(requested) is { } problem)
            throw new WorkspaceInputException($"sandbox image \"{PrintableText.Line(requested)}\" {problem}");
        var o = options.Value;
        if (requested != o.Image && !o.AllowedImages.Contains(requested, StringComparer.Ordinal))
            throw new WorkspaceInputException($"sandbox image \"{requested}\" is neither Sandbox:Image nor one of Sandbox:AllowedImages");
        if (choice.Backend is not ContainerBackend)
            throw new SandboxUnavailableException($"sandbox image \"{requested}\" needs the container backend; this SYMAUG runs bubblewrap ({choice.Reason})");
        if (!await containers.HasImageAsync(requested, cancellationToken))
            throw new SandboxUnavailableException($"sandbox image \"{requested}\" is not in the container runtime's store: build it on this host (no registry is reached)");
        return requested == o.Image ? null : requested;
    }
}
