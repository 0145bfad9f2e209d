using System.Text.Json.Nodes;
using Gryphgen.Contracts;

namespace Gryphgen.Cli.Commands;

/// <summary>The JSON form of a status: snake_case names, every component with name, kind, healthy and detail.</summary>
public static class StatusJson
{

    public static string Format(SystemStatus status)
    {
        var components = new JsonArray();
        foreach (var c in status.Components)
        {
            var facts = new JsonObject();
            foreach (var (key, value) in c.Facts.OrderBy(f => f.Key)) facts[key] = value;
            components.Add(new JsonObject
            {
                ["name"] = c.Name, ["kind"] = c.Kind, ["healthy"] = c.Healthy, ["required"] = c.Required,
                ["detail"] = c.Detail, ["trace_id"] = c.TraceId, ["facts"] = facts,
            });
        }
        var root = new JsonObject
        {
            ["healthy"] = status.Healthy, ["trace_id"] = status.TraceId, ["components"] = components,
        };
        return root.ToJsonString(CliJson.Indented);
    }
}
