namespace Gryphgen.Symorq.Data;

/// <summary>
/// Rows of a table kept in memory so a hot path (authenticating a request, admitting a worker) makes no database
/// call. A change made on this replica is in force before the change's call returns, because the call runs
/// <see cref="RefreshAsync"/> after its write; a change made on another replica is picked up within
/// <see cref="RefreshInterval"/>. If a refresh fails, what is in force stays in force and the next tick tries again.
/// </summary>
public abstract class TableMirror(IServiceScopeFactory scopes, ILogger logger) : BackgroundService
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    // One refresh at a time, so the snapshot published last was read after the last change committed here.
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    /// <summary>What is mirrored, for the log ("the API keys").</summary>
    protected abstract string What { get; }

    /// <summary>Reads the rows and puts them in force.</summary>
    protected abstract Task LoadAsync(OrchestratorDbContext db, CancellationToken ct);

    public async Task RefreshAsync(CancellationToken ct)
    {
        await _refreshing.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await LoadAsync(scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>(), ct);
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
                logger.LogWarning(ex, "Could not refresh {What} from the database", What);
            }
        }
    }
}
