namespace Gryphgen.Symorq.Keys;

/// <summary>
/// An active key as the authentication's cache holds it: who it is, what it may do, the collections it may search
/// (a user key's grant; an admin searches every one), its secret's digest.
/// </summary>
public sealed record ApiKey(string Name, string Scope, byte[] Digest, IReadOnlyList<string> Collections);
