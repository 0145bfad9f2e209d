namespace Gryphgen.Testing;

/// <summary>A second SYMORQ replica and the agents that dial its broker (<see cref="MissionSystem.StartReplicaAsync"/>).</summary>
public sealed class SymorqReplica(ServiceProcess symorq, IReadOnlyList<LoggedProcess> agents) : IAsyncDisposable
{
    public ServiceProcess Symorq => symorq;

    /// <summary>Kills the replica (SIGKILL): its leases are left to lapse, its agents to find their broker gone.</summary>
    public void Kill() => symorq.Kill();

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in agents) await agent.DisposeAsync();
        await symorq.DisposeAsync();
    }
}
