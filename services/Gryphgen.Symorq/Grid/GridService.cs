using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Llm;
using Gryphgen.Symorq.Keys;
using Gryphgen.Contracts.Network;
using Gryphgen.Symorq.Grid.Endpoints;
using Microsoft.AspNetCore.Authorization;

namespace Gryphgen.Symorq.Grid;

/// <summary>The <c>Grid</c> gRPC service: list, add and remove the grid's endpoints (admin keys only).</summary>
[Authorize(Policy = KeyScopes.Admin)]
public sealed class GridService(EndpointRegistry registry, EndpointStore store, GridScheduler scheduler, UpstreamAddresses addresses)
    : Contracts.Grid.GridBase
{
    public override Task<ListEndpointsReply> ListEndpoints(ListEndpointsRequest request, ServerCallContext context)
    {
        var reply = new ListEndpointsReply { Queued = scheduler.QueueDepth };
        reply.Endpoints.AddRange(registry.Snapshot().Select(Describe));
        return Task.FromResult(reply);
    }

    public override async Task<GridEndpointInfo> AddEndpoint(AddEndpointRequest request, ServerCallContext context)
    {
        var endpoint = new LlmEndpointOptions
        {
            Name = request.Name, Url = request.Url, Kind = request.Kind is "" ? LlmEndpointKinds.OpenAi : request.Kind,
            Models = [.. request.Models], ApiKey = request.ApiKey is "" ? null : request.ApiKey,
            Weight = request.HasWeight ? request.Weight : 1, Slots = request.HasSlots ? request.Slots : null,
        };
        var problems = EndpointValidation.Problems(endpoint, addresses).ToList();
        if (problems.Count > 0) throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, string.Join("; ", problems)));
        if (!await store.AddAsync(endpoint, context.CancellationToken))
            throw new RpcException(new Grpc.Core.Status(StatusCode.AlreadyExists, $"an endpoint named '{endpoint.Name}' exists already; remove it first"));
        return Describe(registry.Find(endpoint.Name)!.Snapshot());
    }

    public override async Task<RemoveEndpointReply> RemoveEndpoint(RemoveEndpointRequest request, ServerCallContext context)
    {
        if (store.IsConfigured(request.Name))
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition,
                $"'{request.Name}' comes from the AppHost's configuration (Gryphgen:Llm); remove it there"));
        }
        if (!await store.RemoveAsync(request.Name, context.CancellationToken))
            throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, $"no endpoint named '{request.Name}'"));
        return new RemoveEndpointReply();
    }

    private GridEndpointInfo Describe(EndpointSnapshot endpoint) => new()
    {
        Name = endpoint.Name, Url = endpoint.Options.Url, Kind = endpoint.Options.Kind,
        Models = { endpoint.Options.Models }, ModelIds = { endpoint.ModelIds }, Weight = endpoint.Options.Weight,
        Configured = store.IsConfigured(endpoint.Name), Available = endpoint.IsAvailable(registry.Now),
        Problem = endpoint.LastProblem, Slots = endpoint.Slots, InFlight = endpoint.InFlight,
        TokensPerSecond = endpoint.TokensPerSecond, Served = endpoint.Served, Failures = endpoint.Failures,
        HasApiKey = !string.IsNullOrEmpty(endpoint.Options.ApiKey),
    };
}
