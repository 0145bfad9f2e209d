using System.Net;
using System.Net.Sockets;

namespace Gryphgen.Testing;

/// <summary>
/// A peer that accepts connections on loopback and never sends a byte, as a stopped or wedged service does (the
/// kernel completes the handshake; nobody answers): what a caller without a deadline waits on for ever.
/// </summary>
public sealed class SilentPeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public SilentPeer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Connections accepted so far (each held open, unread).</summary>
    public int Accepted { get { lock (_held) return _held.Count; } }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_held) _held.Add(socket);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_held) _held.ForEach(s => s.Dispose());
        _stop.Dispose();
    }
}
