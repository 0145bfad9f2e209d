using System.Text.Json.Nodes;

namespace Gryphgen.Agents.Roles;

/// <summary>The few JSON Schema shapes the role replies are built from, each with its bounds.</summary>
internal static class JsonSchemaShapes
{
    /// <summary>An object whose properties are all required (llama.cpp then writes them in this order).</summary>
    public static JsonObject Object(params (string Name, JsonNode Schema)[] properties)
    {
        var shape = new JsonObject();
        foreach (var (name, schema) in properties) shape[name] = schema;
        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = shape,
            ["required"] = new JsonArray([.. properties.Select(p => (JsonNode)p.Name)]),
            ["additionalProperties"] = false,
        };
    }

    public static JsonObject String(int maxLength) => new() { ["type"] = "string", ["maxLength"] = maxLength };

    /// <summary>A relative path whose segments are names (a leading dot allowed), so the grammar cannot write "..", "/x" or "C:".</summary>
    public static JsonObject RelativePath(int maxLength) => new()
    {
        ["type"] = "string",
        ["pattern"] = @"^\.?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*(/\.?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*)*$",
        ["maxLength"] = maxLength,
    };

    public static JsonObject NullableString(int maxLength) => new() { ["type"] = new JsonArray("string", "null"), ["maxLength"] = maxLength };

    public static JsonObject Enum(params string[] values) => new() { ["type"] = "string", ["enum"] = new JsonArray([.. values.Select(v => (JsonNode)v)]) };

    public static JsonObject Array(JsonNode items, int maxItems) => new() { ["type"] = "array", ["items"] = items, ["maxItems"] = maxItems };

    public static JsonObject Boolean() => new() { ["type"] = "boolean" };

    public static JsonObject Integer(int minimum) => new() { ["type"] = "integer", ["minimum"] = minimum };

    /// <summary>
    /// A fraction from 0 to 1 in steps of 0.05, as an enum: llama.cpp's grammar bounds integers but not numbers,
    /// and a small model left free writes numbers like 3333E3333.
    /// </summary>
    public static JsonObject Fraction() => new()
    {
        ["type"] = "number",
        ["enum"] = new JsonArray([.. Enumerable.Range(0, 21).Select(i => (JsonNode)Math.Round(i * 0.05, 2))]),
    };
}
