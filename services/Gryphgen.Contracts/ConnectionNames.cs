namespace Gryphgen.Contracts;

/// <summary>
/// The names of the connection strings the AppHost hands the services (<c>ConnectionStrings:NAME</c>): it names its
/// resources after them and the services read them by them, so the two never drift apart.
/// </summary>
public static class ConnectionNames
{
    /// <summary>The one database every service's tables live in (a schema each).</summary>
    public const string Database = "gryphgen";

    /// <summary>Redis: the grid's shared slot ledger and the caches that fail open.</summary>
    public const string Redis = "redis";
}
