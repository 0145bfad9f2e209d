namespace Gryphgen.Symaug.Sandbox;

/// <summary>Which programs SYMAUG uses to confine and run generated code.</summary>
public sealed class SandboxOptions
{
    public const string Section = "Sandbox";

    /// <summary>The bubblewrap executable (a name on PATH or a path).</summary>
    public string Bubblewrap { get; set; } = "bwrap";

    /// <summary>
    /// The interpreter runs use for <c>python3</c>: named explicitly because the first python3 on PATH may be a
    /// separate build without pytest.
    /// </summary>
    public string Python { get; set; } = "/usr/bin/python3";
}
