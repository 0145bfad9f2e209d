namespace Gryphgen.Symorg.Chunking;

/// <summary>Plain text has no structure to follow: one section, split by size alone.</summary>
public sealed class PlainStructure : IDocumentStructure
{
    public IReadOnlyList<Section> Find(IReadOnlyList<string> lines) => [];
}
