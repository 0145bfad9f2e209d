using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Gryphgen.Symorq.Data;

/// <summary>
/// Saving a record whose name is its key (a key, an endpoint, an agent credential): the database's unique index, not
/// a read before the write, decides whether the name is free, so two replicas adding the same name cannot both win.
/// </summary>
public static class UniqueNames
{
    /// <summary>Saves the added record; false when its name is taken (revoked records keep theirs).</summary>
    public static async Task<bool> TrySaveNewAsync(this DbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return false;
        }
    }
}
