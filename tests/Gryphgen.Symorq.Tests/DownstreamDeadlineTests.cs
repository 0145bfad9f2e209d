using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// SYMORQ's calls to SYMORG and SYMAUG end by a deadline of their own when the caller set none
/// (<c>Gryphgen:Internal:CallTimeout</c>): here SYMORG is a peer that accepts and never answers, as a stopped one does.
/// </summary>
public sealed class DownstreamDeadlineTests : IAsyncLifetime
{
    private RedisServerProcess _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServerProcess.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task A_forwarded_call_to_a_silent_SYMORG_ends_by_the_default_deadline()
    {
        await using var silent = new SilentPeer();
        var settings = await GridProcesses.Settings(_redis);
        settings["services__symorg__grpc__0"] = silent.Url.ToString();
        settings["Gryphgen__Internal__CallTimeout"] = "00:00:02";
        await using var symorq = await GridProcesses.StartSymorqAsync(settings);
        using var channel = GridProcesses.OpenChannel(symorq);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // "it ended", not a measurement

        var failed = await Assert.ThrowsAsync<RpcException>(() => new Contracts.Knowledge.KnowledgeClient(channel)
            .SearchAsync(new SearchRequest { Collection = "docs", Query = "anything" }, cancellationToken: bound.Token).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, failed.StatusCode);
        Assert.False(bound.IsCancellationRequested);
        Assert.True(silent.Accepted > 0, "SYMORQ never dialled the silent SYMORG");
    }
}
