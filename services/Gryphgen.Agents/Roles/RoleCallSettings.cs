using Gryphgen.Contracts.Fabric;
using Gryphgen.Contracts.Llm;

namespace Gryphgen.Agents.Roles;

/// <summary>The model, temperature and reply size for one job: the job's own where it sets them, the agent's otherwise.</summary>
public sealed record RoleCallSettings(string Model, double? Temperature, int MaxOutputTokens)
{
    private const int MaxTaskIdLength = 200;

    /// <summary>Checks what the job brings from outside and resolves its settings; a bad job fails with the reason.</summary>
    public static RoleCallSettings For(RoleJob job, RoleAgentOptions options)
    {
        if (!GridPriority.IsValid(job.Priority))
            throw new RoleJobFailedException($"priority must be from {GridPriority.Min} to {GridPriority.Max} (got {job.Priority})");
        if (job.TaskId.Length > MaxTaskIdLength || job.TaskId.Any(c => c < 0x20 || c > 0x7e))
            throw new RoleJobFailedException($"task id must be at most {MaxTaskIdLength} printable ASCII characters (got '{job.TaskId}')");
        if (job.HasTemperature && (double.IsNaN(job.Temperature) || job.Temperature is < 0 or > 2))
            throw new RoleJobFailedException($"temperature must be from 0 to 2 (got {job.Temperature})");
        if (job.MaxOutputTokens < 0 || job.MaxOutputTokens >= options.ContextTokens)
            throw new RoleJobFailedException($"max output tokens must be from 0 (the agent's default) to less than the context window of {options.ContextTokens} (got {job.MaxOutputTokens})");
        return new RoleCallSettings(
            job.Model.Length > 0 ? job.Model : options.Model,
            job.HasTemperature ? job.Temperature : options.Temperature,
            job.MaxOutputTokens > 0 ? job.MaxOutputTokens : options.MaxOutputTokens);
    }
}
