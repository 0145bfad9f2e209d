using System.Diagnostics;
using System.Net.Sockets;

namespace Gryphgen.Testing;

/// <summary>A real redis-server on a free loopback port, without persistence, for one test class.</summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private LoggedProcess _process;

    private RedisServerProcess(LoggedProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>In StackExchange.Redis form, as the AppHost hands it to services.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServerProcess> StartAsync()
    {
        var port = FreePort.Next();
        return new RedisServerProcess(await StartOnAsync(port), port);
    }

    /// <summary>Kills redis-server (SIGKILL); what it held is gone, as nothing is persisted.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Starts redis-server again on its port, empty, after <see cref="Kill"/>.</summary>
    public async Task StartAgainAsync()
    {
        await _process.DisposeAsync();
        _process = await StartOnAsync(Port);
    }

    private static async Task<LoggedProcess> StartOnAsync(int port)
    {
        var process = LoggedProcess.Start(new ProcessStartInfo("redis-server",
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]));
        await Eventually.Get(async () =>
        {
            await process.ThrowIfExitedAsync("redis-server");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, ready => ready, TimeSpan.FromSeconds(30), "redis-server accepting connections");
        return process;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
