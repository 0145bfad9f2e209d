namespace Gryphgen.Symorg.Retrieval;

public enum RetrievalMode
{
    Hybrid,
    Vector,
    FullText,
}
