using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gryphgen.Symorg.Tests;

/// <summary>
/// A hostile HTTP endpoint on loopback that gives every request the same answer: a status line and headers, then
/// <c>bodyBytes</c> bytes of <c>body</c> repeated, written until done or the caller hangs up.
/// </summary>
public sealed class FixedAnswerServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public FixedAnswerServer(int status, string body, long bodyBytes)
        : this($"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {bodyBytes}\r\nConnection: close\r\n\r\n",
            Encoding.ASCII.GetBytes(body), bodyBytes)
    {
    }

    private FixedAnswerServer(string? head, byte[] body, long bodyBytes)
    {
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1");
        _serving = ServeAsync(head, body, bodyBytes);
    }

    /// <summary>An endpoint that takes every request and never answers it, not even with headers, until the caller hangs up.</summary>
    public static FixedAnswerServer Silent() => new(null, [], 0);

    public Uri Url { get; }

    private async Task ServeAsync(string? head, byte[] body, long bodyBytes)
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            try
            {
                var stream = client.GetStream();
                await ReadHeadAsync(stream, _stop.Token);
                if (head is null)
                {
                    while (await stream.ReadAsync(new byte[4096], _stop.Token) > 0) { }
                    continue;
                }
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                for (long sent = 0; sent < bodyBytes; sent += body.Length)
                    await stream.WriteAsync(body.AsMemory(0, (int)Math.Min(body.Length, bodyBytes - sent)), _stop.Token);
            }
            catch (IOException)
            {
                // the caller hung up, as a bounded reader should
            }
        }
    }

    private static async Task ReadHeadAsync(Stream stream, CancellationToken ct)
    {
        var seen = new List<byte>();
        var one = new byte[1];
        while (!(seen.Count >= 4 && seen[^4] == '\r' && seen[^3] == '\n' && seen[^2] == '\r' && seen[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, ct) == 0) return;
            seen.Add(one[0]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }
}
