namespace Gryphgen.Symorg.Chunking;

/// <summary>Finds where a document's structural units (declarations, headings) start.</summary>
public interface IDocumentStructure
{
    IReadOnlyList<Section> Find(IReadOnlyList<string> lines);
}
