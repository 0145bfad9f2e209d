using Gryphgen.Symorq.Data;
using Gryphgen.Symorq.Grid.KeyProtection;
using Gryphgen.Symorq.Grid.Endpoints;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Grid;

/// <summary>
/// Endpoints added at run time: kept in PostgreSQL so that they outlive SYMORQ, and put into the registry at
/// start-up and whenever one is added. Endpoints from configuration are the AppHost's to change, not this store's.
/// Their API keys are stored protected (<see cref="EndpointKeyProtection"/>) and opened only into the registry.
/// </summary>
public sealed class EndpointStore(IServiceScopeFactory scopes, EndpointRegistry registry, IOptions<GridOptions> configured,
    IDataProtectionProvider protection, TimeProvider time, ILogger<EndpointStore> logger) : IHostedService
{
    /// <summary>Marks a key stored in plain text before keys were protected (written by the EndpointKeyProtection migration).</summary>
    public const string PlainKeyMarker = "plain:";

    private readonly IDataProtector _keys = protection.CreateProtector(EndpointKeyProtection.Purpose);

    public bool IsConfigured(string name) => configured.Value.Endpoints.Any(e => e.Name == name);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        var records = await db.Endpoints.ToListAsync(cancellationToken);
        await ProtectPlainKeysAsync(db, records, cancellationToken);
        foreach (var record in records)
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
            Name = endpoint.Name, Url = endpoint.Url, Kind = endpoint.Kind, ProtectedApiKey = endpoint.ApiKey is { } key ? _keys.Protect(key) : null,
            Models = endpoint.Models, Weight = endpoint.Weight, Slots = endpoint.Slots, CreatedAt = time.GetUtcNow(),
        });
        // Taken: another replica added it first.
        if (!await db.TrySaveNewAsync(cancellationToken)) return false;
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

    /// <summary>Keys stored before they were protected are protected now, so that none stays readable in the database.</summary>
    private async Task ProtectPlainKeysAsync(OrchestratorDbContext db, List<EndpointRecord> records, CancellationToken ct)
    {
        var plain = records.Where(r => r.ProtectedApiKey?.StartsWith(PlainKeyMarker, StringComparison.Ordinal) == true).ToList();
        foreach (var record in plain) record.ProtectedApiKey = _keys.Protect(record.ProtectedApiKey![PlainKeyMarker.Length..]);
        if (plain.Count == 0) return;
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Protected the stored API keys of {Count} endpoints", plain.Count);
    }

    private LlmEndpointOptions ToOptions(EndpointRecord record) => new()
    {
        Name = record.Name, Url = record.Url, Kind = record.Kind, ApiKey = OpenKey(record), Models = record.Models,
        Weight = record.Weight, Slots = record.Slots,
    };

    private string? OpenKey(EndpointRecord record)
    {
        if (record.ProtectedApiKey is null) return null;
        try
        {
            return _keys.Unprotect(record.ProtectedApiKey);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new InvalidOperationException($"The stored API key of endpoint '{record.Name}' cannot be opened: the key ring was " +
                "sealed with another Gryphgen:Llm:KeyEncryptionSecret, or its key is gone. Restore that secret, or remove the " +
                "endpoint and add it again.", ex);
        }
    }
}
