using System.Net;
using System.Net.Sockets;

namespace Gryphgen.Contracts.Network;

/// <summary>
/// Which addresses a service may connect to for an endpoint a user named (SYMORQ's LLM endpoints, requests and
/// probes alike; SYMORG's per-collection embedding endpoints). Link-local addresses (169.254.0.0/16, fe80::/10,
/// where cloud metadata services answer) and the known metadata addresses are refused always; private and loopback
/// ranges only when <paramref name="allowPrivateAddresses"/> is off (a self-hosted grid needs <c>localhost:1234</c>),
/// the refusal naming <paramref name="allowPrivateSetting"/>, the key that turns them off. The check is made on the
/// address actually connected to, at connect time (<see cref="ConnectAsync"/>), so a name that resolves, or later
/// re-resolves, to a refused address (DNS rebinding) is refused too.
/// </summary>
public sealed class UpstreamAddresses(bool allowPrivateAddresses, string allowPrivateSetting)
{
    private static readonly IPNetwork[] LinkLocal = [IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("fe80::/10")];

    /// <summary>Metadata and platform services outside the link-local range: AWS over IPv6, Alibaba Cloud, Azure's wire server.</summary>
    private static readonly IPAddress[] Metadata = [IPAddress.Parse("fd00:ec2::254"), IPAddress.Parse("100.100.100.200"), IPAddress.Parse("168.63.129.16")];

    private static readonly IPNetwork[] Private =
    [
        IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"),
    ];

    /// <summary>Why SYMORQ must not connect to <paramref name="address"/>, or null when it may.</summary>
    public string? Refusal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (LinkLocal.Any(n => n.Contains(address)) || Metadata.Contains(address))
            return $"{address} is a link-local or cloud metadata address, which endpoints may never use";
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast) || address.IsIPv6Multicast
            || (address.AddressFamily == AddressFamily.InterNetwork && address.GetAddressBytes()[0] is 0 or >= 224))
            return $"{address} is not a unicast address";
        if (!allowPrivateAddresses && Private.Any(n => n.Contains(address)))
            return $"{address} is a private or loopback address, which {allowPrivateSetting}=false refuses";
        return null;
    }

    /// <summary>The refusal of a URL whose host is an address literal; names are checked when connecting.</summary>
    public string? Refusal(Uri url) => IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var address) ? Refusal(address) : null;

    /// <summary>
    /// <c>SocketsHttpHandler.ConnectCallback</c>: resolves the host, skips every refused address and connects
    /// to the first allowed one that answers; with none allowed the request fails as a connection failure would.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (context.DnsEndPoint.Host, context.DnsEndPoint.Port);
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var refusals = new List<string>();
        SocketException? failure = null;
        foreach (var address in addresses)
        {
            if (Refusal(address) is { } refusal)
            {
                refusals.Add(refusal);
                continue;
            }
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                failure = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        if (failure is not null) throw failure;
        throw new HttpRequestException(HttpRequestError.ConnectionError,
            $"{host} refused as an endpoint address: {(refusals.Count > 0 ? string.Join("; ", refusals) : "it resolves to no address")}");
    }
}
