namespace Gryphgen.Persistence;

/// <summary>
/// A service's database context: the schema that is the service's own in the shared database. Its migrations history
/// is <c>{Schema}.__EFMigrationsHistory</c>, so services migrate one database independently.
/// </summary>
public interface IServiceDbContext
{
    static abstract string Schema { get; }

    /// <summary>
    /// Where an earlier release kept this service's history (<c>schema.table</c>), moved into <see cref="Schema"/> at
    /// start; <see langword="null"/> when it has always been there.
    /// </summary>
    static abstract string? LegacyHistoryTable { get; }
}
