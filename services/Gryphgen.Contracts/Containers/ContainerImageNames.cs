using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Gryphgen.Contracts.Containers;

/// <summary>
/// What may name a container image (a task's <c>sandbox.image</c>, <c>Sandbox:Image</c>, <c>Sandbox:AllowedImages</c>,
/// the AppHost's <c>Gryphgen:Images:*</c>): an OCI reference, registry host, path, tag or digest, and nothing a
/// container runtime could read as an option (no leading '-', no spaces), so the name stays one argument meaning one
/// image.
/// </summary>
public static partial class ContainerImageNames
{
    public const int MaxLength = 255;

    /// <summary>Why <paramref name="image"/> is not an image reference, or null when it is one.</summary>
    public static string? Problem(string image) =>
        image.Length == 0 ? "is empty"
        : image.Length > MaxLength ? $"is longer than {MaxLength} characters"
        : !TryParse(image, out _) ? "is not an image reference (registry/path:tag or @sha256:digest, lower-case path)"
        : null;

    /// <summary><paramref name="image"/> in its parts, when it is an image reference.</summary>
    public static bool TryParse(string image, [NotNullWhen(true)] out ContainerImageName? name)
    {
        var match = image.Length <= MaxLength ? Reference().Match(image) : Match.Empty;
        name = match.Success
            ? new(Group(match, "registry"), match.Groups["repository"].Value, Group(match, "tag"), Group(match, "digest"))
            : null;
        return name is not null;
    }

    private static string? Group(Match match, string name) => match.Groups[name].Success ? match.Groups[name].Value : null;

    // The OCI distribution spec's grammar: path components, then a tag and/or a digest. The first component is a
    // registry host when it has a dot or a port or is localhost, as docker and podman read it (the optional group
    // tries it first); a port only ever follows a host.
    [GeneratedRegex(@"^(?:(?<registry>(?:localhost|[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::[0-9]{1,5})?|[a-z0-9-]+:[0-9]{1,5})/)?" +
                    @"(?<repository>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)" +
                    @"(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@sha256:(?<digest>[0-9a-f]{64}))?$")]
    private static partial Regex Reference();
}
