using System.Text;
using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Fabric;
using Gryphgen.Testing;
using Npgsql;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// Credentials enrolled for workers on other machines, against the real SYMORQ process, its broker and PostgreSQL:
/// a worker dials the endpoint and public key the enrollment gives, with the credential, as a remote one would.
/// </summary>
public sealed class WorkerEnrollmentTests(SymorqSystem system) : IClassFixture<SymorqSystem>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_enrolled_credential_admits_a_worker_of_its_role_and_not_one_claiming_another_role()
    {
        var enrolled = await EnrollAsync(AgentRole.Generator);
        using var worker = Dial(enrolled);
        using var otherRole = Dial(enrolled);

        worker.Hello(AgentRole.Generator, "remote-generator", credential: enrolled.Credential);
        otherRole.Hello(AgentRole.Analyzer, "remote-posing-analyzer", credential: enrolled.Credential);

        Assert.NotNull(worker.Receive(FabricMessage.BodyOneofCase.Heartbeat, Patience));
        using var stop = new CancellationTokenSource();
        var alive = worker.KeepAliveAsync(stop.Token);
        await AgentsListedAsync(names => names.Contains("agent/generator/remote-generator"), "the enrolled generator in status");
        Assert.Equal(0, otherRole.CountArrivals(TimeSpan.FromSeconds(2)));
        Assert.DoesNotContain("agent/analyzer/remote-posing-analyzer", await AgentsListedAsync(_ => true, "status"));
        await stop.CancelAsync();
        await alive;
    }

    [Fact]
    public async Task A_revoked_credential_drops_its_worker_and_refuses_it_again()
    {
        var enrolled = await EnrollAsync(AgentRole.Monitor);
        using (var worker = Dial(enrolled))
        {
            worker.Hello(AgentRole.Monitor, "remote-monitor", credential: enrolled.Credential);
            Assert.NotNull(worker.Receive(FabricMessage.BodyOneofCase.Heartbeat, Patience));
            // Kept alive (status calls take seconds), the worker can only leave the broker's registry by the revocation.
            using var stop = new CancellationTokenSource();
            var alive = worker.KeepAliveAsync(stop.Token);
            await AgentsListedAsync(names => names.Contains("agent/monitor/remote-monitor"), "the enrolled monitor in status");
            using var admin = GridProcesses.OpenChannel(system.Symorq);
            var revoked = await new Contracts.Agents.AgentsClient(admin).RevokeAsync(new RevokeAgentRequest { Name = enrolled.Agent.Name });

            Assert.NotEqual(0, revoked.RevokedUnixMs);
            await AgentsListedAsync(names => !names.Contains("agent/monitor/remote-monitor"), "the revoked monitor dropped from status");
            await stop.CancelAsync();
            await alive;
        }
        using var reconnect = Dial(enrolled);
        reconnect.Hello(AgentRole.Monitor, "remote-monitor-again", credential: enrolled.Credential);
        Assert.Equal(0, reconnect.CountArrivals(TimeSpan.FromSeconds(2)));
        Assert.DoesNotContain("agent/monitor/remote-monitor-again", await AgentsListedAsync(_ => true, "status"));
    }

    [Fact]
    public async Task Only_the_digest_is_stored_and_list_shows_the_credential_without_it()
    {
        var enrolled = await EnrollAsync(AgentRole.Optimizer);

        await using var db = new NpgsqlConnection(system.Database);
        await db.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT * FROM symorq.worker_credentials WHERE name = @name", db)
        {
            Parameters = { new NpgsqlParameter("name", enrolled.Agent.Name) },
        };
        await using var row = await query.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(enrolled.Credential)), (byte[])row["digest"]);
        for (var i = 0; i < row.FieldCount; i++)
        {
            var value = row.GetValue(i);
            Assert.False(value is string text && text.Contains(enrolled.Credential[3..], StringComparison.Ordinal), $"column {row.GetName(i)} holds the credential");
            Assert.False(value is byte[] bytes && bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(enrolled.Credential[3..])) >= 0,
                $"column {row.GetName(i)} holds the credential");
        }
        using var admin = GridProcesses.OpenChannel(system.Symorq);
        var listed = (await new Contracts.Agents.AgentsClient(admin).ListAsync(new ListAgentsRequest())).Agents;
        Assert.Equal(AgentRole.Optimizer, listed.Single(a => a.Name == enrolled.Agent.Name).Role);
        Assert.DoesNotContain(enrolled.Credential[3..], listed.ToString());
    }

    [Fact]
    public async Task Bad_roles_bad_names_duplicates_and_unknown_names_are_refused()
    {
        using var admin = GridProcesses.OpenChannel(system.Symorq);
        var agents = new Contracts.Agents.AgentsClient(admin);
        var taken = await EnrollAsync(AgentRole.Analyzer);

        async Task<StatusCode> Refusal(Func<Task> call) => (await Assert.ThrowsAsync<RpcException>(call)).StatusCode;

        Assert.Equal(StatusCode.InvalidArgument, await Refusal(() => agents.EnrollAsync(new EnrollAgentRequest { Role = AgentRole.Unspecified }).ResponseAsync));
        Assert.Equal(StatusCode.InvalidArgument, await Refusal(() => agents.EnrollAsync(new EnrollAgentRequest { Role = (AgentRole)99 }).ResponseAsync));
        Assert.Equal(StatusCode.InvalidArgument,
            await Refusal(() => agents.EnrollAsync(new EnrollAgentRequest { Role = AgentRole.Analyzer, Name = "Not A Name" }).ResponseAsync));
        Assert.Equal(StatusCode.AlreadyExists,
            await Refusal(() => agents.EnrollAsync(new EnrollAgentRequest { Role = AgentRole.Generator, Name = taken.Agent.Name }).ResponseAsync));
        Assert.Equal(StatusCode.NotFound, await Refusal(() => agents.RevokeAsync(new RevokeAgentRequest { Name = "no-such-agent" }).ResponseAsync));
        Assert.Equal([taken.Agent.Name], (await agents.ListAsync(new ListAgentsRequest())).Agents.Select(a => a.Name).Where(n => n == taken.Agent.Name));
    }

    private async Task<EnrolledAgent> EnrollAsync(AgentRole role)
    {
        using var admin = GridProcesses.OpenChannel(system.Symorq);
        return await new Contracts.Agents.AgentsClient(admin).EnrollAsync(new EnrollAgentRequest
        {
            Role = role, Name = $"remote-{Guid.NewGuid():N}"[..20],
        });
    }

    private static TestWorker Dial(EnrolledAgent enrolled) => new(enrolled.BrokerEndpoint, enrolled.BrokerPublicKey);

    /// <summary>The agent components SYMORQ's status shows, once <paramref name="done"/> holds of them.</summary>
    private Task<HashSet<string>> AgentsListedAsync(Func<HashSet<string>, bool> done, string what) => Eventually.Get(async () =>
    {
        using var admin = GridProcesses.OpenChannel(system.Symorq);
        var status = await new Contracts.Status.StatusClient(admin).GetStatusAsync(new GetStatusRequest());
        return status.Components.Where(c => c.Kind == "agent").Select(c => c.Name).ToHashSet();
    }, done, Patience, what);
}
