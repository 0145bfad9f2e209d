using System.Net;
using System.Net.Sockets;
using Gryphgen.AppHost.Configuration;

namespace Gryphgen.AppHost;

/// <summary>
/// SYMORQ's public ports are fixed in run mode so the CLI finds them; a port already taken would otherwise surface
/// as a proxy error deep in the orchestrator's log, so it is checked before anything starts.
/// </summary>
public static class PortCheck
{
    public static void EnsureFree(PortSettings ports)
    {
        var taken = ports.All.Where(p => !IsFree(p.Port))
            .Select(p => $"port {p.Port} (Gryphgen:Ports:{p.Key}) is already in use; stop whatever holds it " +
                         $"(another GRYPHGEN AppHost?) or set Gryphgen:Ports:{p.Key} to a free port")
            .ToList();
        if (taken.Count > 0) throw new GryphgenConfigurationException(taken);
    }

    private static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
