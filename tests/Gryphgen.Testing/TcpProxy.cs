using System.Net;
using System.Net.Sockets;

namespace Gryphgen.Testing;

/// <summary>
/// A TCP relay on loopback in front of <c>target</c> that a test can cut and heal, as a network partition does: cut,
/// every relayed connection is dropped and new ones are closed as soon as they arrive; healed, it relays again. Both
/// ends stay alive throughout, so what is tested is each side noticing the other is gone.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(Socket Client, Socket Upstream)> _relayed = [];
    private readonly Task _accepting;
    private volatile bool _cut;

    public TcpProxy(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections relayed since the proxy started (a reconnect shows as one more).</summary>
    public int Connections { get; private set; }

    /// <summary>Drops every relayed connection and refuses new ones until <see cref="Heal"/>.</summary>
    public void Cut()
    {
        _cut = true;
        lock (_relayed)
        {
            foreach (var (client, upstream) in _relayed)
            {
                client.Dispose();
                upstream.Dispose();
            }
            _relayed.Clear();
        }
    }

    public void Heal() => _cut = false;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                if (_cut)
                {
                    client.Dispose();
                    continue;
                }
                _ = RelayAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var upstream = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await upstream.ConnectAsync(_target, _stop.Token);
            lock (_relayed)
            {
                _relayed.Add((client, upstream));
                Connections++;
            }
            await Task.WhenAny(PumpAsync(client, upstream), PumpAsync(upstream, client));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (_relayed) _relayed.Remove((client, upstream));
            client.Dispose();
            upstream.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, _stop.Token)) > 0)
                await to.SendAsync(buffer.AsMemory(0, read), _stop.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Cut();
        _stop.Dispose();
    }
}
