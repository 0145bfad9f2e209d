namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// The host user a workspace's code runs as, where SYMAUG runs as root: one uid of the pool per workspace, so the
/// process limit (RLIMIT_NPROC counts every process of a uid on the host) is each workspace's own, and runs of one
/// workspace, serialized by its lock, are the only ones that share it.
/// </summary>
public readonly record struct SandboxUser(int Uid);
