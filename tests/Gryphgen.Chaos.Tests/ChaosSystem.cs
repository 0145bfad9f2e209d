using System.Diagnostics;
using System.Net;
using Gryphgen.Testing;
using Npgsql;

namespace Gryphgen.Chaos.Tests;

/// <summary>
/// The whole system as the mission tests run it, but with the parts a fault needs: a PostgreSQL server of its own (so
/// killing the database is one more fault), SYMORQ reaching it through a <see cref="TcpProxy"/> (so the two can be
/// partitioned while both live), SYMAUG's workspaces on a small file system of their own (so the disk can fill), and a
/// real llama-server in the grid serving <see cref="AnalysisAlias"/> (so a model server can be killed): the analyzer
/// of a task that names that alias gets the tiny model's grammar-bound replies.
/// </summary>
public sealed class ChaosSystem : MissionSystem
{
    /// <summary>The workspaces' file system: room for every task here many times over, and small enough to fill in a moment.</summary>
    private const string DiskSize = "512m";

    /// <summary>SYMAUG's floor on that disk (<c>Workspaces:MinFreeBytes</c>): what it keeps free for PostgreSQL and git.</summary>
    private const long MinFreeBytes = 32L << 20;

    /// <summary>The alias the llama-server serves; a task's <c>models: { analyzer: analysis }</c> sends its analyzer there.</summary>
    public const string AnalysisAlias = "analysis";

    private TcpProxy? _databaseLink;
    private string? _mount;
    private SymorqReplica? _replica;

    public PostgresServerProcess Postgres { get; private set; } = null!;

    public LlamaServerProcess Llama { get; private set; } = null!;

    /// <summary>SYMORQ's only way to PostgreSQL: cut it, and SYMORQ lives on without its database.</summary>
    public TcpProxy DatabaseLink => _databaseLink!;

    protected override async Task<string> CreateDatabaseAsync()
    {
        Postgres = await PostgresServerProcess.StartAsync();
        _databaseLink = new TcpProxy(new IPEndPoint(IPAddress.Loopback, Postgres.Port));
        return await Postgres.CreateDatabaseAsync("chaos");
    }

    protected override async Task<IReadOnlyList<(string Name, Uri Url, string Kind, string[] Aliases)>> StartMoreEndpointsAsync()
    {
        Llama = await LlamaServerProcess.StartAsync(parallel: 2, contextPerSlot: 2048, embeddings: false);
        return [("tiny", Llama.Url, "llamacpp", [AnalysisAlias])];
    }

    /// <summary>Kills the llama-server (SIGKILL); <see cref="StartLlamaAgainAsync"/> brings it back on its port.</summary>
    public void KillLlama() => Llama.Kill();

    public async Task StartLlamaAgainAsync()
    {
        await Llama.DisposeAsync();
        Llama = await Llama.StartAgainAsync();
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
        // Bounds that make the random tiny model's reply short (its grammar stops it well within 400 tokens) and that
        // the scripted analyzer answers of the other faults still meet.
        if (service == "Gryphgen.Agents.analyzer")
        {
            settings["Agent__MaxOutputTokens"] = "400";
            settings["Agent__Temperature"] = "0";
            settings["Agent__Limits__MaxItems"] = "2";
            settings["Agent__Limits__MaxPathChars"] = "12";
            settings["Agent__Limits__MaxTextChars"] = "32";
        }
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
        if (Llama is not null) await Llama.DisposeAsync();
        if (_databaseLink is not null) await _databaseLink.DisposeAsync();
        if (Postgres is not null) await Postgres.DisposeAsync();
    }
}
