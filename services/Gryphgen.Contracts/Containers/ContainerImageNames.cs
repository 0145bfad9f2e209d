using System.Text.RegularExpressions;

namespace Gryphgen.Contracts.Sandbox;

/// <summary>
/// What may name a sandbox container image (a task's <c>sandbox.image</c>, <c>Sandbox:Image</c>,
/// <c>Sandbox:AllowedImages</c>): an OCI reference, registry host, path, tag or digest, and nothing a container
/// runtime could read as an option (no leading '-', no spaces), so the name stays one argument meaning one image.
/// </summary>
public static partial class ContainerImageNames
{
    public const int MaxLength = 255;

    /// <summary>Why <paramref name="image"/> is not an image reference, or null when it is one.</summary>
    public static string? Problem(string image) =>
        image.Length == 0 ? "is empty"
        : image.Length > MaxLength ? $"is longer than {MaxLength} characters"
        : !Reference().IsMatch(image) ? "is not an image reference (registry/path:tag or @sha256:digest, lower-case path)"
        : null;

    // Host (with port) and path components as the OCI distribution spec allows them, then a tag and/or a digest.
    [GeneratedRegex(@"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$")]
    private static partial Regex Reference();
}
