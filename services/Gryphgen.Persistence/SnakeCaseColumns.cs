using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Persistence;

/// <summary>The one column naming rule of every service's tables.</summary>
public static class SnakeCaseColumns
{
    /// <summary>
    /// Every column in snake_case (<c>LeaseOwner</c> is <c>lease_owner</c>), as PostgreSQL's own catalogue and anyone at
    /// a psql prompt expect. Called last in <c>OnModelCreating</c>, after every property exists.
    /// </summary>
    public static ModelBuilder UseSnakeCaseColumns(this ModelBuilder modelBuilder)
    {
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(t => t.GetProperties()))
            property.SetColumnName(JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name));
        return modelBuilder;
    }
}
