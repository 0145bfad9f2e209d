using Gryphgen.Contracts.Fabric;
using Gryphgen.Symorq.Data;
using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Symorq.Fabric;

/// <summary>
/// The enrolled, unrevoked worker credentials of the <c>worker_credentials</c> table, put in force in the broker's
/// <see cref="WorkerEnrollment"/> so that admitting a worker makes no database call. Each refresh drops the workers a
/// revoked credential admitted.
/// </summary>
public sealed class WorkerCredentials(IServiceScopeFactory scopes, WorkerEnrollment enrollment, AgentBroker broker,
    ILogger<WorkerCredentials> logger) : TableMirror(scopes, logger)
{
    protected override string What => "the enrolled worker credentials";

    protected override async Task LoadAsync(OrchestratorDbContext db, CancellationToken ct)
    {
        var stored = await db.WorkerCredentials.AsNoTracking().Where(c => c.RevokedAt == null)
            .Select(c => new { c.Name, c.Role, c.Digest }).ToListAsync(ct);
        enrollment.Enrolled([.. stored
            .Select(c => (c.Name, c.Digest, Parsed: AgentRoles.TryParse(c.Role, out var role), Role: role))
            .Where(c => c.Parsed)
            .Select(c => new EnrolledCredential(c.Name, c.Role, c.Digest))]);
        broker.DropRevoked();
    }
}
