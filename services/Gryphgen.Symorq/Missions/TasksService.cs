using Grpc.Core;
using Gryphgen.Contracts;

namespace Gryphgen.Symorq.Missions;

/// <summary>The task API over gRPC; errors become statuses in <see cref="SymorqErrorInterceptor"/>.</summary>
public sealed class TasksService(MissionControl control) : Tasks.TasksBase
{
    public override Task<TaskInfo> Submit(SubmitTaskRequest request, ServerCallContext context) =>
        control.SubmitAsync(request.Spec, context.CancellationToken);

    public override Task<TaskDetail> Get(TaskRef request, ServerCallContext context) =>
        control.GetAsync(request.TaskId, context.CancellationToken);

    public override async Task<ListTasksReply> List(ListTasksRequest request, ServerCallContext context) =>
        new() { Tasks = { await control.ListAsync(request.State, request.Limit, context.CancellationToken) } };

    public override Task<TaskInfo> Cancel(TaskRef request, ServerCallContext context) =>
        control.CancelAsync(request.TaskId, context.CancellationToken);

    public override async Task Watch(WatchTaskRequest request, IServerStreamWriter<TaskEvent> responseStream, ServerCallContext context)
    {
        using var admitted = await control.AdmitWatchAsync(request.TaskId, context.CancellationToken);
        await foreach (var e in control.WatchAsync(request.TaskId, request.AfterSequence, context.CancellationToken))
            await responseStream.WriteAsync(e, context.CancellationToken);
    }

    public override async Task Artifacts(TaskRef request, IServerStreamWriter<ArtifactChunk> responseStream, ServerCallContext context)
    {
        await foreach (var data in control.ArtifactsAsync(request.TaskId, context.CancellationToken))
            await responseStream.WriteAsync(new ArtifactChunk { Data = data }, context.CancellationToken);
    }
}
