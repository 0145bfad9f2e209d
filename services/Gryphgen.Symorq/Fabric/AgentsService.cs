using System.Net;
using System.Security.Cryptography;
using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Symorq.Data;
using Gryphgen.Symorq.Keys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Fabric;

/// <summary>
/// The <c>Agents</c> gRPC service (admin keys only): enroll, list and revoke the credentials of agent workers on other
/// machines. Every change is put in force in this replica's broker (<see cref="Data.TableMirror.RefreshAsync"/>)
/// before the call returns.
/// </summary>
[Authorize(Policy = KeyScopes.Admin)]
public sealed class AgentsService(OrchestratorDbContext db, WorkerCredentials credentials, AgentBroker broker, IOptions<FabricOptions> options,
    TimeProvider time) : Contracts.Agents.AgentsBase
{
    public override async Task<EnrolledAgent> Enroll(EnrollAgentRequest request, ServerCallContext context)
    {
        var problems = EnrollmentValidation.Problems(request).ToList();
        if (problems.Count > 0) throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, string.Join("; ", problems)));
        var name = request.Name.Length > 0 ? request.Name : $"{request.Role.ToName()}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var secret = KeySecret.New();
        var record = new WorkerCredentialRecord
        {
            Name = name, Role = request.Role.ToName(), Digest = WorkerEnrollment.Digest(secret), CreatedAt = time.GetUtcNow(),
        };
        db.WorkerCredentials.Add(record);
        if (!await db.TrySaveNewAsync(context.CancellationToken))
            throw new RpcException(new Grpc.Core.Status(StatusCode.AlreadyExists,
                $"an agent credential named '{name}' exists already (revoked credentials keep their names)"));
        await credentials.RefreshAsync(context.CancellationToken);
        return new EnrolledAgent
        {
            Agent = Info(record), Credential = secret, BrokerPublicKey = broker.PublicKey, BrokerEndpoint = await EndpointAsync(),
        };
    }

    public override async Task<ListAgentsReply> List(ListAgentsRequest request, ServerCallContext context) => new()
    {
        Agents = { (await db.WorkerCredentials.AsNoTracking().OrderBy(c => c.CreatedAt).ToListAsync(context.CancellationToken)).Select(Info) },
    };

    public override async Task<AgentCredentialInfo> Revoke(RevokeAgentRequest request, ServerCallContext context)
    {
        var record = await db.WorkerCredentials.SingleOrDefaultAsync(c => c.Name == request.Name, context.CancellationToken)
            ?? throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, $"no agent credential named '{request.Name}'"));
        if (record.RevokedAt is null)
        {
            record.RevokedAt = time.GetUtcNow();
            await db.SaveChangesAsync(context.CancellationToken);
        }
        // Not cancellable: once revoked in the database, the credential must be out of force here before this returns.
        await credentials.RefreshAsync(CancellationToken.None);
        return Info(record);
    }

    /// <summary>What a worker elsewhere dials: the configured advertised endpoint, else the address the broker binds.</summary>
    private async Task<string> EndpointAsync()
    {
        var fabric = options.Value;
        if (fabric.AdvertisedEndpoint.Length > 0) return fabric.AdvertisedEndpoint;
        var host = fabric.ListenAddress == "*" ? Dns.GetHostName()
            : IPAddress.Parse(fabric.ListenAddress) is { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } v6 ? $"[{v6}]" : fabric.ListenAddress;
        return $"tcp://{host}:{await broker.BoundPort}";
    }

    private static AgentCredentialInfo Info(WorkerCredentialRecord record) => new()
    {
        Name = record.Name, Role = AgentRoles.TryParse(record.Role, out var role) ? role : AgentRole.Unspecified,
        CreatedUnixMs = record.CreatedAt.ToUnixTimeMilliseconds(), RevokedUnixMs = record.RevokedAt?.ToUnixTimeMilliseconds() ?? 0,
    };
}
