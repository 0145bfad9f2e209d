using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Network;
using Gryphgen.Symorg.Data;
using Gryphgen.Symorg.Ingestion;
using Gryphgen.Symorg.Retrieval;
using Microsoft.Extensions.Options;

namespace Gryphgen.Symorg;

/// <summary>
/// SYMORG's knowledge API over gRPC: checks every request, then hands it to the ingestor, search or context builder.
/// Its refusals (<see cref="KnowledgeException"/>) become statuses in <see cref="SymorgErrorInterceptor"/>.
/// </summary>
public sealed class KnowledgeService(CollectionRegistry registry, KnowledgeIngestor ingestor, HybridSearch search,
    ContextBuilder contexts, LessonRecorder lessons, UpstreamAddresses addresses, IOptions<SymorgOptions> options) : Knowledge.KnowledgeBase
{
    public const int MaxSearchLimit = 100, DefaultSearchLimit = 10, DefaultTokenBudget = 2000, MaxTokenBudget = 100_000;

    public override async Task<CollectionInfo> CreateCollection(CreateCollectionRequest request, ServerCallContext context)
    {
        var endpoint = NullIfEmpty(request.EmbeddingEndpoint);
        if (endpoint is not null && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
            throw new KnowledgeException(StatusCode.InvalidArgument, $"'{endpoint}' is not an http(s) URL");
        if (endpoint is not null && addresses.Refusal(new Uri(endpoint)) is { } refusal)
            throw new KnowledgeException(StatusCode.InvalidArgument, $"embedding endpoint '{endpoint}': {refusal}");
        if (endpoint is not null && string.IsNullOrWhiteSpace(request.EmbeddingModel))
            throw new KnowledgeException(StatusCode.InvalidArgument, "an embedding endpoint needs an embedding model name");
        var collection = await registry.CreateAsync(request.Name, endpoint, NullIfEmpty(request.EmbeddingModel), context.CancellationToken);
        return new CollectionInfo
        {
            Name = collection.Name, EmbeddingModel = collection.EmbeddingModel,
            EmbeddingEndpoint = collection.EmbeddingEndpoint ?? "", Dimension = collection.Dimension,
        };
    }

    public override async Task<IngestReply> IngestPath(IngestPathRequest request, ServerCallContext context)
    {
        CollectionRegistry.ValidateName(request.Collection);
        var path = IngestionPaths.Resolve(request.Path, options.Value.AllowedRoots);
        var source = NullIfEmpty(request.Source) ?? Path.GetFileName(path.TrimEnd(Path.DirectorySeparatorChar));
        IngestionPaths.ValidateSource(source);
        var collection = await registry.GetOrCreateAsync(request.Collection, context.CancellationToken);
        return Reply(collection, source, await ingestor.IngestAsync(collection, source, path, context.CancellationToken));
    }

    public override async Task<IngestReply> IngestArchive(IAsyncStreamReader<ArchivePart> requestStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        if (!await requestStream.MoveNext(ct) || requestStream.Current.Header is not { } header)
            throw new KnowledgeException(StatusCode.InvalidArgument, "the first part of an archive upload must carry its header");
        CollectionRegistry.ValidateName(header.Collection);
        IngestionPaths.ValidateSource(header.Source);

        var work = Directory.CreateTempSubdirectory("symorg-upload-");
        try
        {
            var archive = Path.Combine(work.FullName, "upload");
            await using (var file = File.Create(archive))
            {
                do
                {
                    if (file.Length + requestStream.Current.Data.Length > options.Value.MaxArchiveBytes)
                        throw new KnowledgeException(StatusCode.ResourceExhausted, $"the archive is larger than {options.Value.MaxArchiveBytes} bytes (Symorg:MaxArchiveBytes)");
                    requestStream.Current.Data.WriteTo(file);
                }
                while (await requestStream.MoveNext(ct));
            }
            var tree = Path.Combine(work.FullName, "tree");
            await ArchiveUnpacker.UnpackAsync(archive, tree, options.Value.MaxUnpackedBytes, ct);
            var collection = await registry.GetOrCreateAsync(header.Collection, ct);
            return Reply(collection, header.Source, await ingestor.IngestAsync(collection, header.Source, tree, ct));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    public override async Task<SearchReply> Search(SearchRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Query)) throw new KnowledgeException(StatusCode.InvalidArgument, "the query is empty");
        if (request.Limit is < 0 or > MaxSearchLimit)
            throw new KnowledgeException(StatusCode.InvalidArgument, $"limit must be between 1 and {MaxSearchLimit}");
        var collection = await registry.FindAsync(request.Collection, context.CancellationToken);
        var mode = request.Mode switch
        {
            SearchMode.Vector => RetrievalMode.Vector,
            SearchMode.FullText => RetrievalMode.FullText,
            SearchMode.Hybrid => RetrievalMode.Hybrid,
            _ => throw new KnowledgeException(StatusCode.InvalidArgument, $"unknown search mode {request.Mode}"),
        };
        var filter = new SearchFilter(NullIfEmpty(request.Language), NullIfEmpty(request.PathPrefix));
        var hits = await search.SearchAsync(collection, request.Query, mode, filter,
            request.Limit == 0 ? DefaultSearchLimit : request.Limit, context.CancellationToken);
        return new SearchReply { Hits = { hits.Select(ToMessage) } };
    }

    public override async Task<ContextReply> BuildContext(BuildContextRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Description) && request.Requirements.All(string.IsNullOrWhiteSpace))
            throw new KnowledgeException(StatusCode.InvalidArgument, "a task needs a description or requirements to build context from");
        if (request.TokenBudget is < 0 or > MaxTokenBudget)
            throw new KnowledgeException(StatusCode.InvalidArgument, $"token_budget must be between 1 and {MaxTokenBudget}");
        var built = await contexts.BuildAsync(request.Description, request.Requirements, request.Collections,
            request.TokenBudget == 0 ? DefaultTokenBudget : request.TokenBudget, context.CancellationToken);
        return new ContextReply { Context = built.Text, Tokens = built.Tokens, Sources = { built.Sources.Select(ToMessage) } };
    }

    public override async Task<RecordLessonReply> RecordLesson(RecordLessonRequest request, ServerCallContext context) => new()
    {
        SourceUri = await lessons.RecordAsync(request.TaskId, request.Summary, request.Failure, request.Fix, context.CancellationToken),
    };

    private static SearchHit ToMessage(SearchHitRow hit) => new()
    {
        SourceUri = hit.SourceUri, StartLine = hit.StartLine, EndLine = hit.EndLine, Score = hit.Score,
        Header = hit.Header, Text = hit.Text, Language = hit.Language, Collection = hit.Collection,
    };

    private static IngestReply Reply(Collection collection, string source, IngestionReport report) => new()
    {
        Collection = collection.Name, Source = source, Added = report.Added, Updated = report.Updated,
        Unchanged = report.Unchanged, Deleted = report.Deleted, ChunksWritten = report.ChunksWritten,
        Skipped = { report.Skipped.Select(s => new SkippedFile { Path = s.Path, Reason = s.Reason }) },
    };

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
