namespace Gryphgen.Contracts;

/// <summary>
/// The headers an agent puts on its gateway requests and SYMORQ reads: which task and role a call is for (the task's
/// tokens are metered by it, for agent keys only) and how urgent it is.
/// </summary>
public static class GryphgenHeaders
{
    public const string Task = "X-Gryphgen-Task";
    public const string Role = "X-Gryphgen-Role";
    public const string Priority = "X-Gryphgen-Priority";
}
