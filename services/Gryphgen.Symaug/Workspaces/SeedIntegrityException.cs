namespace Gryphgen.Symaug.Workspaces;

/// <summary>A workspace's pristine seed copy is not what SYMAUG stored: its tests cannot give a verdict.</summary>
public sealed class SeedIntegrityException(string message) : Exception(message);
