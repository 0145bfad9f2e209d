using System.Text.Json;

namespace Gryphgen.Contracts.Fabric;

// The JSON each role answers with (JobResult.reply_json): the agents validate against these records before
// replying, and the workflow reads the replies back with them, so both sides agree field by field.

/// <summary>The Code Generator's reply: the full contents of every file it creates or replaces.</summary>
public sealed record GeneratorReply(IReadOnlyList<GeneratedFile> Files, string Summary);

/// <summary>A path relative to the workspace and the file's whole new content.</summary>
public sealed record GeneratedFile(string Path, string Content);

/// <summary>The Code Analyzer's reply: whether the code passes, the faults it found, and what to do about them.</summary>
public sealed record AnalyzerReply(string Verdict, IReadOnlyList<AnalyzerProblem> Problems, string Advice);

/// <summary>One fault; line 0 when it concerns the file as a whole.</summary>
public sealed record AnalyzerProblem(string File, int Line, string Message);

/// <summary>The Task Monitor's reply: whether the work meets the task, what it does not meet, and a 0–1 score.</summary>
public sealed record MonitorReply(bool Aligned, IReadOnlyList<string> Unmet, double Score);

/// <summary>The Workflow Optimizer's decision: what the workflow does next, the checkpoint it concerns, and why.</summary>
public sealed record OptimizerReply(string Action, string? Checkpoint, string Reason);

public static class RoleReplies
{
    /// <summary>Missing fields and nulls where the record allows none are errors, not defaults.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>Reads a role's reply; <see cref="JsonException"/> when it does not match the record.</summary>
    public static T Read<T>(string json) where T : class =>
        JsonSerializer.Deserialize<T>(json, Json) ?? throw new JsonException("the reply is null");
}
