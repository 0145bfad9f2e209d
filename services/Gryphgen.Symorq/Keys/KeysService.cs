using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Symorq.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Symorq.Keys;

/// <summary>
/// The <c>Keys</c> gRPC service (admin keys only): create, list and revoke API keys. Every change is put in force on
/// this replica (<see cref="Data.TableMirror.RefreshAsync"/>) before the call returns.
/// </summary>
[Authorize(Policy = KeyScopes.Admin)]
public sealed class KeysService(OrchestratorDbContext db, KeyRing ring, TimeProvider time) : Contracts.Keys.KeysBase
{
    public override async Task<CreatedKey> Create(CreateKeyRequest request, ServerCallContext context)
    {
        var problems = KeyValidation.Problems(request).ToList();
        if (problems.Count > 0) throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, string.Join("; ", problems)));
        var secret = KeySecret.New();
        var record = new ApiKeyRecord
        {
            Name = request.Name, Scope = KeyScopeNames.Name(request.Scope), Digest = KeySecret.Digest(secret), CreatedAt = time.GetUtcNow(),
            Collections = [.. request.Collections.Distinct()],
        };
        db.Keys.Add(record);
        if (!await db.TrySaveNewAsync(context.CancellationToken))
            throw new RpcException(new Grpc.Core.Status(StatusCode.AlreadyExists,
                $"a key named '{request.Name}' exists already (revoked keys keep their names)"));
        await ring.RefreshAsync(context.CancellationToken);
        return new CreatedKey { Key = Info(record), Secret = secret };
    }

    public override async Task<ListKeysReply> List(ListKeysRequest request, ServerCallContext context)
    {
        var reply = new ListKeysReply { Keys = { new KeyInfo { Name = KeyRing.BootstrapName, Scope = KeyScope.Admin, Configured = true } } };
        if (ring.HasAgentKey) reply.Keys.Add(new KeyInfo { Name = KeyRing.LocalAgentsName, Scope = KeyScope.Agent, Configured = true });
        reply.Keys.AddRange((await db.Keys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(context.CancellationToken)).Select(Info));
        return reply;
    }

    public override async Task<KeyInfo> Revoke(RevokeKeyRequest request, ServerCallContext context)
    {
        if (KeyRing.ConfiguredNames.Contains(request.Name))
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition,
                $"'{request.Name}' is a configured key (Gryphgen:Gateway:ApiKey, Gryphgen:Gateway:AgentKey); change it in the AppHost's parameters"));
        }
        var record = await db.Keys.SingleOrDefaultAsync(k => k.Name == request.Name, context.CancellationToken)
            ?? throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, $"no key named '{request.Name}'"));
        if (record.RevokedAt is null)
        {
            record.RevokedAt = time.GetUtcNow();
            await db.SaveChangesAsync(context.CancellationToken);
        }
        // Not cancellable: once revoked in the database, the key must be out of force here before this returns.
        await ring.RefreshAsync(CancellationToken.None);
        return Info(record);
    }

    private static KeyInfo Info(ApiKeyRecord record) => new()
    {
        Name = record.Name, Scope = KeyScopeNames.Parse(record.Scope), CreatedUnixMs = record.CreatedAt.ToUnixTimeMilliseconds(),
        RevokedUnixMs = record.RevokedAt?.ToUnixTimeMilliseconds() ?? 0, Collections = { record.Collections },
    };
}
