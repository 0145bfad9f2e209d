using Gryphgen.Symorq.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Gryphgen.Symorq.Missions;

/// <summary>
/// Hears every replica's journal writes (<see cref="TaskEventChannel"/>) on a connection of its own and wakes the
/// watchers of each task written to, so a watch served by one replica follows a task another runs as promptly as
/// its own. While the connection is down, watchers fall back to <see cref="WorkflowOptions.WatchRecheck"/>; once it is
/// back every watcher is woken once, for what was written in between.
/// </summary>
public sealed class TaskEventListener(IServiceScopeFactory scopes, TaskEventSignal signal, ILogger<TaskEventListener> logger) : BackgroundService
{
    // A partition that drops no packet shows as silence: a keepalive query every few seconds turns it into an error.
    private const int KeepAliveSeconds = 5;
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500), MaxDelay = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = await ConnectionStringAsync();
        var delay = FirstDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(connectionString, () => delay = FirstDelay, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
            {
                logger.LogWarning("Task event notifications not heard ({Error}); watchers recheck on their own until they are", ex.Message);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
        }
    }

    private async Task ListenAsync(string connectionString, Action connected, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        connection.Notification += (_, e) => signal.Pulse(e.Payload);
        await connection.OpenAsync(ct);
        await using (var listen = new NpgsqlCommand($"LISTEN {TaskEventChannel.Name}", connection)) await listen.ExecuteNonQueryAsync(ct);
        connected();
        signal.PulseAll();
        while (true) await connection.WaitAsync(ct);
    }

    /// <summary>The journal's own database, on a connection that is never pooled (a LISTEN belongs to its session) and kept alive.</summary>
    private async Task<string> ConnectionStringAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        return new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false, KeepAlive = KeepAliveSeconds }.ConnectionString;
    }
}
