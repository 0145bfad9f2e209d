namespace Gryphgen.Contracts.Containers;

/// <summary>
/// An image reference in its parts (<see cref="ContainerImageNames.TryParse"/>): <see cref="Registry"/> null when the
/// reference names none (the runtime's own default then applies, which differs between docker and podman).
/// </summary>
public sealed record ContainerImageName(string? Registry, string Repository, string? Tag, string? Digest)
{
    /// <summary>The reference as a container runtime is given it.</summary>
    public override string ToString() =>
        (Registry is null ? "" : Registry + "/") + Repository + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@sha256:" + Digest);
}
