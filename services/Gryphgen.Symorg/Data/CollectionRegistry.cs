using System.ClientModel;
using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Symorg.Embeddings;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Gryphgen.Symorg.Data;

/// <summary>Finds and creates collections; creating one fixes its embedding model and dimension and builds its HNSW index.</summary>
public sealed class CollectionRegistry(KnowledgeDbContext db, EmbeddingGenerators generators, TimeProvider time)
{
    public const string Lessons = "lessons";

    public static void ValidateName(string name)
    {
        if (!CollectionNames.IsValid(name))
            throw new KnowledgeException(StatusCode.InvalidArgument, $"'{name}' is not a collection name: {CollectionNames.Rule}");
    }

    public async Task<Collection> FindAsync(string name, CancellationToken cancellationToken) =>
        await TryFindAsync(name, cancellationToken)
            ?? throw new KnowledgeException(StatusCode.NotFound, $"collection '{name}' does not exist");

    public async Task<Collection?> TryFindAsync(string name, CancellationToken cancellationToken)
    {
        ValidateName(name);
        return await db.Collections.AsNoTracking().SingleOrDefaultAsync(c => c.Name == name, cancellationToken);
    }

    public async Task<Collection> GetOrCreateAsync(string name, CancellationToken cancellationToken)
    {
        var existing = await TryFindAsync(name, cancellationToken);
        if (existing is not null) return existing;
        try
        {
            return await CreateAsync(name, endpoint: null, model: null, cancellationToken);
        }
        catch (KnowledgeException ex) when (ex.Status == StatusCode.AlreadyExists)
        {
            return await FindAsync(name, cancellationToken); // another request created it a moment ago
        }
    }

    public async Task<Collection> CreateAsync(string name, string? endpoint, string? model, CancellationToken cancellationToken)
    {
        ValidateName(name);
        var collection = new Collection
        {
            Name = name, EmbeddingEndpoint = endpoint, CreatedAt = time.GetUtcNow(),
            EmbeddingModel = endpoint is null ? MiniLmEmbeddingGenerator.ModelId : model!,
            Dimension = endpoint is null ? MiniLmEmbeddingGenerator.Dimension : await ProbeDimensionAsync(endpoint, model!, cancellationToken),
        };
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.ChangeTracker.Clear();
            collection.Id = 0;
            db.Collections.Add(collection);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                throw new KnowledgeException(StatusCode.AlreadyExists, $"collection '{name}' already exists");
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
            await CollectionVectorIndex.CreateAsync(db, collection, ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
        return collection;
    }

    private async Task<int> ProbeDimensionAsync(string endpoint, string model, CancellationToken cancellationToken)
    {
        try
        {
            var embedding = await generators.For(endpoint, model).GenerateAsync(["dimension probe"], cancellationToken: cancellationToken);
            return embedding[0].Vector.Length;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // What the endpoint answered is not repeated: it is any server's text, and an error answer is where a
            // probed internal service would show what it holds.
            var why = ex switch
            {
                ClientResultException { Status: > 0 } answered => $"it answered HTTP {answered.Status}",
                ClientResultException or HttpRequestException => ex.GetBaseException().Message, // not reached, refused, too large
                Polly.Timeout.TimeoutRejectedException => "it sent no answer headers in time (Symorg:EmbeddingFirstByteTimeout)",
                _ => "its answer is not an embeddings response",
            };
            throw new KnowledgeException(StatusCode.FailedPrecondition,
                $"the embedding endpoint {endpoint} did not embed with model '{model}': {why}");
        }
    }
}
