using System.Diagnostics;
using System.Net;
using Gryphgen.Testing;
using Npgsql;

namespace Gryphgen.Chaos.Tests;

/// <summary>
/// The whole system as the mission tests run it, but with the parts a fault needs: a PostgreSQL server of its own (so
/// killing the database is one more fault), SYMORQ reaching it through a <see cref="TcpProxy"/> (so the two can be
/// partitioned while both live), and SYMAUG's workspaces on a small file system of their own (so the disk can fill).
/// </summary>
public sealed class ChaosSystem : MissionSystem
{
    /// <summary>The workspaces' file system: room for every task here many times over, and small enough to fill in a moment.</summary>
    private const string DiskSize = "512m";

    /// <summary>SYMAUG's floor on that disk (<c>Workspaces:MinFreeBytes</c>): what it keeps free for PostgreSQL and git.</summary>
    private const long MinFreeBytes = 32L << 20;

    private TcpProxy? _databaseLink;
    private string? _mount;
    private SymorqReplica? _replica;

    public PostgresServerProcess Postgres { get; private set; } = null!;

    /// <summary>SYMORQ's only way to PostgreSQL: cut it, and SYMORQ lives on without its database.</summary>
    public TcpProxy DatabaseLink => _databaseLink!;

    protected override async Task<string> CreateDatabaseAsync()
    {
        Postgres = await PostgresServerProcess.StartAsync();
        _databaseLink = new TcpProxy(new IPEndPoint(IPAddress.Loopback, Postgres.Port));
        return await Postgres.CreateDatabaseAsync("chaos");
    }

    protected override string CreateWorkspaceRoot()
    {
        var folder = Directory.CreateTempSubdirectory("gryphgen-chaos-disk-").FullName;
        Run("mount", "-t", "tmpfs", "-o", $"size={DiskSize},mode=0755", "tmpfs", folder);
        return _mount = folder;
    }

    protected override void DeleteWorkspaceRoot(string root)
    {
        Run("umount", "--lazy", root);
        Directory.Delete(root);
    }

    protected override void Configure(string service, Dictionary<string, string> settings)
    {
        if (service == "Gryphgen.Symaug") settings["Workspaces__MinFreeBytes"] = MinFreeBytes.ToString();
        if (service == "Gryphgen.Symorq")
            settings["ConnectionStrings__gryphgen"] = new NpgsqlConnectionStringBuilder(settings["ConnectionStrings__gryphgen"]) { Port = DatabaseLink.Port }.ConnectionString;
    }

    /// <summary>Starts the second SYMORQ replica a fault can kill (<see cref="KillReplicaAsync"/>); one at a time.</summary>
    public async Task StartSecondReplicaAsync() => _replica = await StartReplicaAsync();

    public async Task KillReplicaAsync()
    {
        _replica!.Kill();
        await _replica.DisposeAsync();
        _replica = null;
    }

    /// <summary>Fills the workspaces' disk to the last byte; returns the file that does it, whose deletion frees it again.</summary>
    public async Task<string> FillWorkspaceDiskAsync()
    {
        var filler = Path.Combine(_mount!, "filler");
        var block = new byte[64 << 10];
        await using var file = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true) await file.WriteAsync(block);
        }
        catch (IOException)
        {
            // ENOSPC: full, to within a block.
        }
        return filler;
    }

    private static void Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} exited {process.ExitCode}: {error} (the chaos suite runs as root to give the workspaces a disk of their own)");
    }

    public override async Task DisposeAsync()
    {
        if (_replica is not null) await _replica.DisposeAsync();
        await base.DisposeAsync();
        if (_databaseLink is not null) await _databaseLink.DisposeAsync();
        if (Postgres is not null) await Postgres.DisposeAsync();
    }
}
