using Gryphgen.Contracts;
using Gryphgen.Contracts.Acceptance;

namespace Gryphgen.Symorq.Missions.Steps;

/// <summary>
/// Creates the task's workspace in SYMAUG, seeded with the acceptance files. SYMAUG keys workspaces by task, so this
/// step run again after a crash gets the workspace it made the first time.
/// </summary>
public sealed class PrepareStep(RunContext run) : IMissionStep<PrepareOutput>
{
    public int Iteration => 0;

    public string Kind => StepKinds.Prepare;

    public async Task<StepResult<PrepareOutput>> RunAsync(StallWatch watch, CancellationToken ct)
    {
        var (task, spec) = (run.Task, run.Spec);
        var request = new CreateWorkspaceRequest { TaskId = task.Id, Acceptance = AcceptanceCommand.Parse(spec.Acceptance.Command), Fence = task.LeaseGeneration };
        request.SeedFiles.AddRange(spec.Acceptance.Files.Select(f => new FileContent { Path = f.Key, Content = Google.Protobuf.ByteString.CopyFromUtf8(f.Value) }));
        request.AllowedHarnessFiles.AddRange(spec.Sandbox?.AllowHarnessFiles ?? []);
        request.Image = spec.Sandbox?.Image ?? "";
        var workspace = await run.Services.Workspaces.CreateAsync(request, cancellationToken: ct);
        task.WorkspaceId = workspace.WorkspaceId;
        return new(new PrepareOutput(workspace.WorkspaceId, workspace.InitialCheckpointId), 0,
            $"workspace {workspace.WorkspaceId} with {request.SeedFiles.Count} acceptance file(s)");
    }
}
