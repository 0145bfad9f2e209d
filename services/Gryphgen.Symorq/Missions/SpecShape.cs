using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Gryphgen.Symorq.Missions;

/// <summary>
/// The shape of a specification checked from the parser's events, before any document is built: building a deeply
/// nested document recurses once per level (a few kilobytes of brackets would overflow the stack), and aliases that
/// refer to aliases ("billion laughs") make a document of a few lines that expands to billions of nodes for whatever
/// walks it. Both are refused at the line where the limit is passed; aliases that stay small remain allowed.
/// </summary>
internal static class SpecShape
{
    /// <summary>Levels of mappings and sequences, aliases counted as what they stand for. A real spec uses three.</summary>
    public const int MaxDepth = 32;

    /// <summary>Nodes once every alias is expanded. A spec at every other limit has a few thousand.</summary>
    public const long MaxNodes = 100_000;

    public static void Check(string text)
    {
        var parser = new Parser(new StringReader(text));
        var open = new Stack<Collection>();
        var anchors = new Dictionary<AnchorName, Extent>();
        long nodes = 0;
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            switch (current)
            {
                case AnchorAlias alias:
                    var extent = anchors.GetValueOrDefault(alias.Value, new Extent(1, 0));
                    Count(current, open, extent.Height, ref nodes, extent.Nodes);
                    break;
                case Scalar scalar:
                    Count(current, open, 0, ref nodes, 1);
                    if (!scalar.Anchor.IsEmpty) anchors[scalar.Anchor] = new Extent(1, 0);
                    break;
                case NodeEvent start when start is MappingStart or SequenceStart:
                    Count(current, open, 1, ref nodes, 1);
                    open.Push(new Collection(start.Anchor, nodes - 1));
                    break;
                case MappingEnd or SequenceEnd:
                    var closed = open.Pop();
                    var height = closed.ChildHeight + 1;
                    if (!closed.Anchor.IsEmpty) anchors[closed.Anchor] = new Extent(nodes - closed.NodesBefore, height);
                    if (open.TryPeek(out var parent)) parent.ChildHeight = Math.Max(parent.ChildHeight, height);
                    break;
            }
        }
    }

    /// <summary>Counts a node of <paramref name="height"/> levels and <paramref name="size"/> nodes where the parser is.</summary>
    private static void Count(ParsingEvent at, Stack<Collection> open, int height, ref long nodes, long size)
    {
        if (open.Count + height > MaxDepth)
            throw new TaskSpecException([$"line {at.Start.Line}: nested deeper than {MaxDepth} levels"]);
        nodes += size;
        if (nodes > MaxNodes)
            throw new TaskSpecException([$"line {at.Start.Line}: more than {MaxNodes} values once aliases are expanded"]);
        if (open.TryPeek(out var parent)) parent.ChildHeight = Math.Max(parent.ChildHeight, height);
    }

    private sealed class Collection(AnchorName anchor, long nodesBefore)
    {
        public AnchorName Anchor { get; } = anchor;
        public long NodesBefore { get; } = nodesBefore;
        public int ChildHeight { get; set; }
    }

    private readonly record struct Extent(long Nodes, int Height);
}
