using System.CommandLine;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Uploads;
using Spectre.Console;

namespace Gryphgen.Cli.Commands;

/// <summary>
/// <c>gryphgen kb ingest PATH --collection NAME</c> and <c>gryphgen kb search QUERY --collection NAME [--json]</c>:
/// the knowledge base SYMORG keeps. Ingest packs PATH here and uploads it, since SYMORG runs on another machine.
/// </summary>
public static class KbCommand
{
    private const int PartBytes = 64 * 1024;

    public static Command Create() => new("kb", "Ingest into and search GRYPHGEN's knowledge base (SYMORG)") { Ingest(), Search() };

    private static Command Ingest()
    {
        var path = new Argument<string>("PATH") { Description = "A file, folder or git working tree (.gitignore is honoured, .git is left out)" };
        var collection = new Option<string>("--collection") { Description = "The collection to ingest into (created if missing)", Required = true };
        var source = new Option<string?>("--source") { Description = "Label the documents are filed under (default: the folder's name)" };
        var url = GlobalOptions.Url();
        var command = new Command("ingest", "Upload a file or folder and ingest it: unchanged files are skipped, deleted ones removed")
            { path, collection, source, url };
        command.SetAction((parse, ct) => CliErrors.Guard(() => IngestAsync(
            GryphgenConnection.ResolveUrl(parse.GetValue(url)), parse.GetValue(path)!,
            parse.GetValue(collection)!, parse.GetValue(source), ct)));
        return command;
    }

    private static Command Search()
    {
        var query = new Argument<string>("QUERY") { Description = "Words, an identifier or a question" };
        var collection = new Option<string>("--collection") { Description = "The collection to search", Required = true };
        var language = new Option<string?>("--language") { Description = "Only documents of this language (csharp, python, markdown, …)" };
        var prefix = new Option<string?>("--path-prefix") { Description = "Only documents whose source URI starts with this" };
        var limit = new Option<int>("--limit") { Description = "Most hits to return", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print the hits as JSON" };
        var url = GlobalOptions.Url();
        var command = new Command("search", "Hybrid search (meaning and words) of a collection") { query, collection, language, prefix, limit, json, url };
        command.SetAction((parse, ct) => CliErrors.Guard(() => SearchAsync(
            GryphgenConnection.ResolveUrl(parse.GetValue(url)),
            new SearchRequest
            {
                Query = parse.GetValue(query)!, Collection = parse.GetValue(collection)!, Limit = parse.GetValue(limit),
                Language = parse.GetValue(language) ?? "", PathPrefix = parse.GetValue(prefix) ?? "",
            },
            parse.GetValue(json), ct)));
        return command;
    }

    private static async Task<int> IngestAsync(Uri url, string path, string collection, string? source, CancellationToken ct)
    {
        using var activity = CliTelemetry.Source.StartActivity("gryphgen kb ingest");
        var full = Path.GetFullPath(path);
        if (!File.Exists(full) && !Directory.Exists(full)) throw new CliException($"'{path}' is neither a file nor a folder");
        source ??= Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar));

        var archive = Path.GetTempFileName();
        try
        {
            await using (var file = File.Create(archive)) UploadArchive.WriteTarGz(full, file);
            using var channel = GryphgenConnection.OpenChannel(url);
            using var call = new Knowledge.KnowledgeClient(channel).IngestArchive(cancellationToken: ct);
            await call.RequestStream.WriteAsync(new ArchivePart { Header = new ArchiveHeader { Collection = collection, Source = source } }, ct);
            await using (var file = File.OpenRead(archive))
            {
                var buffer = new byte[PartBytes];
                int read;
                while ((read = await file.ReadAsync(buffer, ct)) > 0)
                    await call.RequestStream.WriteAsync(new ArchivePart { Data = ByteString.CopyFrom(buffer, 0, read) }, ct);
            }
            await call.RequestStream.CompleteAsync();
            var reply = await call;

            Console.WriteLine($"{reply.Source} → {reply.Collection}: {reply.Added} added, {reply.Updated} updated, " +
                $"{reply.Unchanged} unchanged, {reply.Deleted} deleted, {reply.ChunksWritten} chunks written, {reply.Skipped.Count} skipped");
            foreach (var skipped in reply.Skipped) Console.WriteLine($"  skipped {Shown.Plain(skipped.Path)}: {Shown.Plain(skipped.Reason)}");
            return 0;
        }
        finally
        {
            File.Delete(archive);
        }
    }

    private static async Task<int> SearchAsync(Uri url, SearchRequest request, bool asJson, CancellationToken ct)
    {
        using var activity = CliTelemetry.Source.StartActivity("gryphgen kb search");
        using var channel = GryphgenConnection.OpenChannel(url);
        var reply = await new Knowledge.KnowledgeClient(channel)
            .SearchAsync(request, deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: ct);

        if (asJson)
        {
            var hits = new JsonArray();
            foreach (var h in reply.Hits)
            {
                hits.Add(new JsonObject
                {
                    ["source_uri"] = h.SourceUri, ["start_line"] = h.StartLine, ["end_line"] = h.EndLine, ["score"] = h.Score,
                    ["language"] = h.Language, ["header"] = h.Header, ["text"] = h.Text,
                });
            }
            Console.WriteLine(new JsonObject { ["collection"] = request.Collection, ["query"] = request.Query, ["hits"] = hits }.ToJsonString(CliJson.Indented));
            return 0;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumns("#", "Source", "Lines", "Score", "Where");
        var rank = 1;
        foreach (var h in reply.Hits)
            table.AddRow($"{rank++}", Shown.Markup(h.SourceUri), $"{h.StartLine}-{h.EndLine}", h.Score.ToString("0.0000"), Shown.Markup(h.Header));
        AnsiConsole.Write(table);
        return 0;
    }
}
