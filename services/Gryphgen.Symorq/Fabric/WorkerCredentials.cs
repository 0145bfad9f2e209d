using Gryphgen.Contracts.Fabric;
using Gryphgen.Symorq.Data;
using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Symorq.Fabric;

/// <summary>
/// The enrolled, unrevoked worker credentials of the <c>worker_credentials</c> table, put in force in the broker's
/// <see cref="WorkerEnrollment"/>, so that admitting a worker makes no database call. A change made on this replica
/// (<see cref="RefreshAsync"/> after the write) is in force before the change's call returns; a change made on another
/// replica is picked up within <see cref="RefreshInterval"/>. Each refresh drops the workers a revoked credential admitted.
/// </summary>
public sealed class WorkerCredentials(IServiceScopeFactory scopes, WorkerEnrollment enrollment, AgentBroker broker,
    ILogger<WorkerCredentials> logger) : BackgroundService
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    // One refresh at a time, so the set published last was read after the last change committed here.
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    public async Task RefreshAsync(CancellationToken ct)
    {
        await _refreshing.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
            var stored = await db.WorkerCredentials.AsNoTracking().Where(c => c.RevokedAt == null)
                .Select(c => new { c.Name, c.Role, c.Digest }).ToListAsync(ct);
            enrollment.Enrolled([.. stored
                .Select(c => (c.Name, c.Digest, Parsed: AgentRoles.TryParse(c.Role, out var role), Role: role))
                .Where(c => c.Parsed)
                .Select(c => new EnrolledCredential(c.Name, c.Role, c.Digest))]);
            broker.DropRevoked();
        }
        finally
        {
            _refreshing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The credentials in force stay in force; the next tick tries again.
                logger.LogWarning(ex, "Could not refresh the enrolled worker credentials from the database");
            }
        }
    }
}
