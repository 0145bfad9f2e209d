namespace Gryphgen.Symaug.Workspaces;

/// <summary>Code was to run where no sandbox works: SYMAUG refuses rather than run it unconfined.</summary>
public sealed class SandboxUnavailableException(string detail) : Exception($"SYMAUG does not run code here: {detail}");
