using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Gryphgen.Persistence;

/// <summary>The one naming rule of every service's tables: where they live and what their columns are called.</summary>
public static class ServiceModelConventions
{
    /// <summary>
    /// Every table in the service's own schema (<see cref="IServiceDbContext.Schema"/>), so services share one database
    /// without touching each other's tables, and every column in snake_case (<c>LeaseOwner</c> is <c>lease_owner</c>),
    /// as PostgreSQL's own catalogue and anyone at a psql prompt expect. Called last in <c>OnModelCreating</c>, after
    /// every property exists.
    /// </summary>
    public static ModelBuilder UseServiceConventions<TContext>(this ModelBuilder modelBuilder) where TContext : IServiceDbContext
    {
        modelBuilder.HasDefaultSchema(TContext.Schema);
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(t => t.GetProperties()))
            property.SetColumnName(JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name));
        return modelBuilder;
    }
}
