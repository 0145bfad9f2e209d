using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Contracts.Missions;
using Gryphgen.Symorq.Data;
using Gryphgen.Symorq.Grid;
using Gryphgen.Symorq.Keys;
using Gryphgen.Symorq.Retention;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Missions;

/// <summary>
/// The task API's behaviour, whatever the transport: submit, get, list, cancel, watch and artifacts. The gRPC
/// service (<see cref="TasksService"/>) and the HTTP routes (<see cref="TaskEndpoints"/>) both call it, on behalf
/// of the request's key (<paramref name="caller"/>): a task is its submitter's, and a user key asking for another
/// key's task is told there is no such task (<see cref="FindVisibleAsync"/>), as if it did not exist; an admin key
/// sees every task.
/// </summary>
public sealed class MissionControl(
    TaskJournal journal, MissionEngine engine, EndpointRegistry grid, TaskEventSignal signal, WatcherLimits watchers,
    Workspaces.WorkspacesClient workspaces, IOptions<WorkflowOptions> options, ApiCaller caller)
{
    public const int DefaultListLimit = 50;
    public const int MaxListLimit = 500;
    private const int EventBatch = 200;

    public async Task<TaskInfo> SubmitAsync(string specText, CancellationToken ct)
    {
        var spec = TaskSpecParser.Parse(specText);
        CheckGridServes(spec);
        var task = new TaskRecord
        {
            Id = $"t-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}", Title = spec.Title, Language = spec.Language,
            Owner = caller.Name,
            Spec = JsonSerializer.Serialize(spec, JournalJson.Options), Priority = spec.Priority,
            MaxIterations = spec.Budget.Iterations, MaxTokens = spec.Budget.Tokens,
        };
        await journal.CreateAsync(task, ct);
        engine.Wake();
        return TaskViews.Info(task);
    }

    public async Task<TaskDetail> GetAsync(string taskId, CancellationToken ct)
    {
        var task = await FindVisibleAsync(taskId, ct);
        var detail = new TaskDetail { Task = TaskViews.Info(task) };
        detail.Steps.AddRange((await journal.StepsAsync(taskId, ct)).Select(TaskViews.Step));
        return detail;
    }

    public async Task<IReadOnlyList<TaskInfo>> ListAsync(TaskState state, int limit, CancellationToken ct)
    {
        if (limit is < 0 or > MaxListLimit) throw new TaskApiException(TaskApiError.Invalid, $"limit must be between 1 and {MaxListLimit} (got {limit})");
        var tasks = await journal.ListAsync(caller.OwnerFilter, TaskViews.State(state), limit == 0 ? DefaultListLimit : limit, ct);
        return tasks.Select(TaskViews.Info).ToList();
    }

    public async Task<TaskInfo> CancelAsync(string taskId, CancellationToken ct)
    {
        await FindVisibleAsync(taskId, ct);
        var task = await journal.CancelAsync(taskId, ct) ?? throw TaskApiException.NotFound(taskId);
        engine.Cancel(taskId);
        return TaskViews.Info(task);
    }

    /// <summary>
    /// Lets the caller watch the task: it exists, is the caller's to see, and neither it nor the caller has all the
    /// watches the caps allow. The watch holds the admission until it ends (dispose it then).
    /// </summary>
    public async Task<IDisposable> AdmitWatchAsync(string taskId, CancellationToken ct)
    {
        await FindVisibleAsync(taskId, ct);
        return watchers.Admit(taskId, caller.Name);
    }

    /// <summary>
    /// The task's events after <paramref name="afterSequence"/>, then live ones, until the task has ended; for a watch
    /// <see cref="AdmitWatchAsync"/> let in.
    /// </summary>
    public async IAsyncEnumerable<TaskEvent> WatchAsync(string taskId, long afterSequence, [EnumeratorCancellation] CancellationToken ct)
    {
        var ended = false;
        while (true)
        {
            var written = signal.Next(taskId);
            var events = await journal.EventsAsync(taskId, afterSequence, EventBatch, ct);
            foreach (var e in events)
            {
                afterSequence = e.Sequence;
                yield return TaskViews.Event(e);
            }
            if (events.Count == EventBatch) continue;
            // Read once more after seeing the end, for events written between the read and the check.
            if (ended) yield break;
            ended = await journal.IsFinishedAsync(taskId, ct);
            if (!ended) await Task.WhenAny(written, Task.Delay(options.Value.WatchRecheck, ct));
            ct.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The task's workspace (or, once retention archived it, its archive) as a tar.gz stream, in chunks.</summary>
    public async IAsyncEnumerable<ByteString> ArtifactsAsync(string taskId, [EnumeratorCancellation] CancellationToken ct)
    {
        var task = await FindVisibleAsync(taskId, ct);
        if (task.WorkspaceId.Length == 0)
            throw new TaskApiException(TaskApiError.NotReady, $"task '{taskId}' has no workspace yet (it is {TaskStateNames.Name(TaskViews.State(task.State))})");
        if (task.ArtifactsDeletedAt is { } deleted)
        {
            throw new TaskApiException(TaskApiError.Gone,
                $"task '{taskId}' finished at {task.FinishedAt:u}; its artifacts were deleted at {deleted:u}, as {RetentionOptions.Section}:{nameof(RetentionOptions.ArtifactsFor)} says");
        }
        using var export = workspaces.Export(new WorkspaceRef { WorkspaceId = task.WorkspaceId }, cancellationToken: ct);
        while (await export.ResponseStream.MoveNext(ct)) yield return export.ResponseStream.Current.Data;
    }

    /// <summary>The one way the task API reads a task by id: the caller's own, or any for an admin key.</summary>
    private async Task<TaskRecord> FindVisibleAsync(string taskId, CancellationToken ct) =>
        await journal.FindAsync(taskId, caller.OwnerFilter, ct) ?? throw TaskApiException.NotFound(taskId);

    /// <summary>
    /// A task needs a model: refuse it while the grid has no endpoint at all, or when it names a model alias no
    /// endpoint serves, rather than let it wait for one that never comes.
    /// </summary>
    private void CheckGridServes(TaskSpec spec)
    {
        var endpoints = grid.Snapshot();
        if (endpoints.Count == 0)
        {
            throw new TaskApiException(TaskApiError.Unavailable,
                "no LLM endpoint is configured, so no task can run: add one with 'gryphgen endpoints add --name NAME --url URL' " +
                "or start the AppHost with --Gryphgen:Llm:Model=PATH.gguf");
        }
        var problems = AgentRoles.AllNames
            .Select(role => (role, alias: spec.Models.GetValueOrDefault(role) ?? options.Value.Models.GetValueOrDefault(role, "")))
            .Where(m => m.alias.Length > 0 && !endpoints.Any(e => e.Serves(m.alias)))
            .Select(m => $"models.{m.role}: no endpoint of the grid serves '{m.alias}' (see 'gryphgen endpoints list')")
            .ToList();
        if (problems.Count > 0) throw new TaskSpecException(problems);
    }
}
