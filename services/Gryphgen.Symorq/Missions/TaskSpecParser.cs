using Gryphgen.Contracts;
using Gryphgen.Contracts.Containers;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Contracts.Llm;
using Gryphgen.Contracts.Paths;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gryphgen.Symorq.Missions;

/// <summary>
/// Reads a task specification (YAML, or JSON, which YAML reads too) into a <see cref="TaskSpec"/>, collecting every
/// problem with the field and line it concerns, so that a user fixes a spec in one go. Unknown fields are errors:
/// a misspelt <c>requirments:</c> silently ignored would cost a whole run.
/// </summary>
public static class TaskSpecParser
{
    public const int MaxSpecChars = 2 * 1024 * 1024;
    public const int MaxAcceptanceFiles = 100;
    public const int MaxAcceptanceFileChars = 256 * 1024;
    public const int MaxPathChars = 512;
    public const int MaxRequirements = 100;
    public static readonly IReadOnlyList<string> Languages = ["python", "javascript", "csharp", "c", "bash"];
    private static readonly string[] Fields = ["title", "description", "language", "acceptance", "requirements", "priority", "budget", "models", "knowledge", "sandbox"];
    private static readonly TaskBudget DefaultBudget = new(Iterations: 6, Tokens: 200_000, Minutes: 20);

    /// <summary>The validated spec, or a <see cref="TaskSpecException"/> listing every problem.</summary>
    public static TaskSpec Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new TaskSpecException(["the specification is empty"]);
        if (text.Length > MaxSpecChars) throw new TaskSpecException([$"the specification is larger than {MaxSpecChars / (1024 * 1024)} MiB"]);
        var root = Load(text);
        var reader = new SpecReader();
        foreach (var unknown in root.Children.Keys.OfType<YamlScalarNode>().Where(k => !Fields.Contains(k.Value)))
            reader.Problem(unknown, $"unknown field '{unknown.Value}' (known: {string.Join(", ", Fields)})");

        var title = reader.Text(root, "title", maxLength: 200, required: true);
        var description = reader.Text(root, "description", maxLength: 64 * 1024, required: true);
        var language = reader.Text(root, "language", maxLength: 20, required: true);
        if (language.Length > 0 && !Languages.Contains(language))
            reader.Problem(root, "language", $"language: '{language}' is not supported (use one of {string.Join(", ", Languages)})");
        var acceptance = ReadAcceptance(reader, root);
        var requirements = reader.TextList(root, "requirements", MaxRequirements, maxLength: 2000);
        var priority = ReadPriority(reader, root);
        var budget = ReadBudget(reader, root);
        var models = ReadModels(reader, root);
        var knowledge = reader.TextList(root, "knowledge", maxItems: 20, maxLength: 63);
        foreach (var collection in knowledge.Where(c => !CollectionNames.IsValid(c)))
            reader.Problem(root, "knowledge", $"knowledge: '{collection}' is not a collection name ({CollectionNames.Rule})");
        var sandbox = ReadSandbox(reader, root);

        reader.ThrowIfAny();
        return new TaskSpec(title, description, language, acceptance, requirements, priority, budget, models, knowledge, sandbox);
    }

    private static YamlMappingNode Load(string text)
    {
        // JSON allows tabs anywhere between tokens; YAML does not indent with them. In JSON a tab can only be
        // whitespace (inside strings it must be escaped), so spaces mean the same.
        if (text.TrimStart().StartsWith('{')) text = text.Replace('\t', ' ');
        var stream = new YamlStream();
        try
        {
            SpecShape.Check(text);
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new TaskSpecException([$"line {ex.Start.Line}: not valid YAML or JSON: {(ex.InnerException ?? ex).Message}"]);
        }
        if (stream.Documents.Count != 1) throw new TaskSpecException(["the specification must be exactly one YAML or JSON document"]);
        return stream.Documents[0].RootNode as YamlMappingNode
            ?? throw new TaskSpecException(["the specification must be a mapping of fields (title, description, language, acceptance, ...)"]);
    }

    private static AcceptanceSpec ReadAcceptance(SpecReader reader, YamlMappingNode root)
    {
        var acceptance = reader.Mapping(root, "acceptance", required: true);
        if (acceptance is null) return new AcceptanceSpec("", new Dictionary<string, string>());
        reader.OnlyFields(acceptance, "acceptance", "command", "files");
        var command = reader.Text(acceptance, "command", maxLength: 2000, required: true, parent: "acceptance");
        var files = reader.TextMap(acceptance, "files", MaxAcceptanceFiles, MaxAcceptanceFileChars, parent: "acceptance");
        foreach (var path in files.Keys)
        {
            if (WorkspacePathRules.Problem(path, MaxPathChars) is { } problem)
                reader.Problem(acceptance, "files", $"acceptance.files: path \"{PrintableText.Line(path)}\" rejected: {problem}");
        }
        return new AcceptanceSpec(command, files);
    }

    private static SandboxSpec ReadSandbox(SpecReader reader, YamlMappingNode root)
    {
        var sandbox = reader.Mapping(root, "sandbox", required: false);
        if (sandbox is null) return new SandboxSpec([]);
        reader.OnlyFields(sandbox, "sandbox", "allow_harness_files", "image");
        var allowed = reader.TextList(sandbox, "allow_harness_files", MaxAcceptanceFiles, MaxPathChars, parent: "sandbox");
        foreach (var path in allowed)
        {
            if (WorkspacePathRules.Problem(path, MaxPathChars) is { } problem)
                reader.Problem(sandbox, $"sandbox.allow_harness_files: path \"{PrintableText.Line(path)}\" rejected: {problem}");
        }
        var image = reader.Text(sandbox, "image", ContainerImageNames.MaxLength, required: false, parent: "sandbox");
        if (image.Length > 0 && ContainerImageNames.Problem(image) is { } imageProblem)
            reader.Problem(sandbox, "image", $"sandbox.image: \"{PrintableText.Line(image)}\" {imageProblem}");
        return new SandboxSpec(allowed, image);
    }

    private static int ReadPriority(SpecReader reader, YamlMappingNode root)
    {
        var text = reader.Text(root, "priority", maxLength: 10, required: false);
        if (GridPriority.TryParse(text, out var priority)) return priority;
        reader.Problem(root, "priority", $"priority: '{text}' is not high, normal, low or a digit 0-9");
        return GridPriority.Normal;
    }

    private static TaskBudget ReadBudget(SpecReader reader, YamlMappingNode root)
    {
        var budget = reader.Mapping(root, "budget", required: false);
        if (budget is null) return DefaultBudget;
        reader.OnlyFields(budget, "budget", "iterations", "tokens", "minutes");
        return new TaskBudget(
            (int)reader.Number(budget, "budget.iterations", "iterations", DefaultBudget.Iterations, max: 1000),
            reader.Number(budget, "budget.tokens", "tokens", DefaultBudget.Tokens, max: 1_000_000_000),
            (int)reader.Number(budget, "budget.minutes", "minutes", DefaultBudget.Minutes, max: 7 * 24 * 60));
    }

    private static IReadOnlyDictionary<string, string> ReadModels(SpecReader reader, YamlMappingNode root)
    {
        var models = reader.TextMap(root, "models", maxItems: 10, maxLength: 200, parent: null);
        foreach (var role in models.Keys.Where(r => !AgentRoles.AllNames.Contains(r)))
            reader.Problem(root, "models", $"models: '{role}' is not a role (use {string.Join(", ", AgentRoles.AllNames)})");
        return models;
    }
}
