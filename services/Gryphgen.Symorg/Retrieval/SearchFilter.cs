namespace Gryphgen.Symorg.Retrieval;

/// <summary>Optional narrowing of a search: a document language, a prefix of the source URI.</summary>
public sealed record SearchFilter(string? Language = null, string? PathPrefix = null)
{
    public static readonly SearchFilter None = new();
}
