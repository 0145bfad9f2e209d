namespace Gryphgen.Symorq.Keys;

/// <summary>An active key as the authentication's cache holds it: who it is, what it may do, its secret's digest.</summary>
public sealed record ApiKey(string Name, string Scope, byte[] Digest);
