using System.Text.Json;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Symorq.Data;

namespace Gryphgen.Symorq.Missions.Steps;

/// <summary>
/// What the steps of one task run share: the task and its spec, the journal, the services, the steps recorded so far,
/// and the workspace's files as last read (read again once a step changed them).
/// </summary>
public sealed class RunContext(TaskRecord task, TaskSpec spec, TaskJournal journal, MissionServices services)
{
    private IReadOnlyList<WorkspaceFile>? _files;

    public TaskRecord Task { get; } = task;

    public TaskSpec Spec { get; } = spec;

    public TaskJournal Journal { get; } = journal;

    public MissionServices Services { get; } = services;

    public WorkflowOptions Options => Services.Options;

    /// <summary>Every step of the task, as recorded (read once when the run begins, added to as steps start).</summary>
    public List<StepRecord> Steps { get; private set; } = [];

    /// <summary>The steps of the iterations before the current one: the history the roles see.</summary>
    public IReadOnlyList<StepRecord> EarlierSteps { get; private set; } = [];

    public async Task LoadStepsAsync(CancellationToken ct) => Steps = await Journal.StepsAsync(Task.Id, ct);

    public void BeginIteration(int iteration) => EarlierSteps = [.. Steps.Where(s => s.Iteration < iteration)];

    public StepRecord? Completed(int iteration, string kind) =>
        Steps.FirstOrDefault(s => s.Iteration == iteration && s.Kind == kind && s.State == StepStates.Completed);

    public static T Output<T>(StepRecord step) => JsonSerializer.Deserialize<T>(step.Output, JournalJson.Options)!;

    /// <summary>The workspace's text files, read from SYMAUG once per change.</summary>
    public async Task<IReadOnlyList<WorkspaceFile>> FilesAsync(string workspaceId, CancellationToken ct) =>
        _files ??= await WorkspaceSnapshot.ReadAsync(Services.Workspaces, workspaceId, ct);

    /// <summary>The workspace changes now (files written, a revert): the roles after this read it afresh.</summary>
    public void WorkspaceChanged() => _files = null;

    /// <summary>Waits out an unavailable service for step <paramref name="kind"/>, each wait said and saved at once: whoever watches the task sees why it waits.</summary>
    public Polly.ResiliencePipeline Recovery(string kind, CancellationToken ct) => Services.Recovery.ForStep((failure, delay) => Journal.RecordAsync(Task,
        TaskEventKinds.Warning, $"{kind}: a service is unavailable ({RecoveryWait.Describe(failure).Shorten(200)}); trying again in {delay.TotalSeconds:0.#} s", kind, ct: ct));
}
