using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Gryphgen.Symorq.Missions;

/// <summary>
/// Typed reads of a YAML mapping's fields that record a problem (with its line) instead of throwing, so one pass
/// over a specification finds everything wrong with it.
/// </summary>
internal sealed class SpecReader
{
    private readonly List<string> _problems = [];

    public void Problem(YamlNode near, string message) => _problems.Add($"{message} (line {near.Start.Line})");

    /// <summary>A problem with a field's value, reported at the field's own line (the mapping's when it is absent).</summary>
    public void Problem(YamlMappingNode mapping, string field, string message) =>
        Problem(mapping.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: { } key } && key == field) ?? mapping, message);

    public void ThrowIfAny()
    {
        if (_problems.Count > 0) throw new TaskSpecException(_problems);
    }

    public void OnlyFields(YamlMappingNode mapping, string name, params string[] fields)
    {
        foreach (var unknown in mapping.Children.Keys.OfType<YamlScalarNode>().Where(k => !fields.Contains(k.Value)))
            Problem(unknown, $"{name}: unknown field '{unknown.Value}' (known: {string.Join(", ", fields)})");
    }

    public string Text(YamlMappingNode mapping, string field, int maxLength, bool required, string? parent = null)
    {
        var name = parent is null ? field : $"{parent}.{field}";
        var node = Field(mapping, field);
        if (node is null or YamlScalarNode { Value: null or "" })
        {
            if (required) Problem(node ?? mapping, $"{name}: required");
            return "";
        }
        if (node is not YamlScalarNode { Value: { } value })
        {
            Problem(node, $"{name}: must be text");
            return "";
        }
        if (value.Length > maxLength) Problem(node, $"{name}: longer than {maxLength} characters");
        return value;
    }

    public long Number(YamlMappingNode mapping, string name, string field, long fallback, long max)
    {
        var node = Field(mapping, field);
        if (node is null) return fallback;
        if (node is not YamlScalarNode { Value: { } text } || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            Problem(node, $"{name}: must be a whole number");
            return fallback;
        }
        if (value < 1 || value > max) Problem(node, $"{name}: must be between 1 and {max} (got {value})");
        return value;
    }

    public YamlMappingNode? Mapping(YamlMappingNode mapping, string field, bool required)
    {
        var node = Field(mapping, field);
        if (node is null && required) Problem(mapping, $"{field}: required");
        if (node is null or YamlMappingNode) return node as YamlMappingNode;
        Problem(node, $"{field}: must be a mapping of fields");
        return null;
    }

    public IReadOnlyList<string> TextList(YamlMappingNode mapping, string field, int maxItems, int maxLength, string? parent = null)
    {
        var name = parent is null ? field : $"{parent}.{field}";
        var node = Field(mapping, field);
        if (node is null) return [];
        if (node is not YamlSequenceNode sequence)
        {
            Problem(node, $"{name}: must be a list");
            return [];
        }
        if (sequence.Children.Count > maxItems) Problem(node, $"{name}: more than {maxItems} items");
        var items = new List<string>();
        foreach (var item in sequence.Children)
        {
            if (item is YamlScalarNode { Value: { Length: > 0 } value } && value.Length <= maxLength) items.Add(value);
            else Problem(item, $"{name}: each item must be text of 1 to {maxLength} characters");
        }
        return items;
    }

    public IReadOnlyDictionary<string, string> TextMap(YamlMappingNode mapping, string field, int maxItems, int maxLength, string? parent)
    {
        var name = parent is null ? field : $"{parent}.{field}";
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var node = Field(mapping, field);
        if (node is null) return map;
        if (node is not YamlMappingNode entries)
        {
            Problem(node, $"{name}: must be a mapping of names to text");
            return map;
        }
        if (entries.Children.Count > maxItems) Problem(node, $"{name}: more than {maxItems} entries");
        foreach (var (key, value) in entries.Children)
        {
            var keyText = (key as YamlScalarNode)?.Value ?? "";
            if (value is not YamlScalarNode { Value: { } text }) Problem(value, $"{name}: '{keyText}' must be text");
            else if (text.Length > maxLength) Problem(value, $"{name}: '{keyText}' is longer than {maxLength} characters");
            else map[keyText] = text;
        }
        return map;
    }

    private static YamlNode? Field(YamlMappingNode mapping, string field) =>
        mapping.Children.TryGetValue(new YamlScalarNode(field), out var node) ? node : null;
}
