using Gryphgen.Symorq.Data;
using Gryphgen.Symorq.Llm;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Grid;

/// <summary>
/// Endpoints added at run time: kept in PostgreSQL so that they outlive SYMORQ, and put into the registry at
/// start-up and whenever one is added. Endpoints from configuration are the AppHost's to change, not this store's.
/// </summary>
public sealed class EndpointStore(IServiceScopeFactory scopes, EndpointRegistry registry, IOptions<LlmGridOptions> configured,
    TimeProvider time, ILogger<EndpointStore> logger) : IHostedService
{
    public bool IsConfigured(string name) => configured.Value.Endpoints.Any(e => e.Name == name);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        foreach (var record in await db.Endpoints.AsNoTracking().ToListAsync(cancellationToken))
        {
            if (IsConfigured(record.Name))
            {
                logger.LogWarning("Stored endpoint {Endpoint} is shadowed by the configured one of the same name", record.Name);
                continue;
            }
            registry.Upsert(ToOptions(record));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stores and activates a new endpoint; false when one of that name exists already.</summary>
    public async Task<bool> AddAsync(LlmEndpointOptions endpoint, CancellationToken cancellationToken)
    {
        if (IsConfigured(endpoint.Name) || registry.Find(endpoint.Name) is not null) return false;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        db.Endpoints.Add(new EndpointRecord
        {
            Name = endpoint.Name, Url = endpoint.Url, Kind = endpoint.Kind, ApiKey = endpoint.ApiKey, Models = endpoint.Models,
            Weight = endpoint.Weight, Slots = endpoint.Slots, CreatedAt = time.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return false; // another replica added it first
        }
        registry.Upsert(endpoint);
        logger.LogInformation("Endpoint {Endpoint} ({Kind}) added to the grid", endpoint.Name, endpoint.Kind);
        return true;
    }

    /// <summary>Forgets a stored endpoint; requests already running on it finish.</summary>
    public async Task<bool> RemoveAsync(string name, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        var deleted = await db.Endpoints.Where(e => e.Name == name).ExecuteDeleteAsync(cancellationToken);
        return (registry.Remove(name) | deleted > 0) && !IsConfigured(name);
    }

    private static LlmEndpointOptions ToOptions(EndpointRecord record) => new()
    {
        Name = record.Name, Url = record.Url, Kind = record.Kind, ApiKey = record.ApiKey, Models = record.Models,
        Weight = record.Weight, Slots = record.Slots,
    };
}
