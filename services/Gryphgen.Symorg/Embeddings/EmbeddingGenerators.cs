using System.ClientModel;
using System.ClientModel.Primitives;
using Gryphgen.Symorg.Data;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using OpenAI;

namespace Gryphgen.Symorg.Embeddings;

/// <summary>
/// The embedding generator a collection was created with: the embedded MiniLM model, or an OpenAI-compatible
/// <c>/v1/embeddings</c> endpoint. Either way embeddings are cached (Redis, where configured) by model and text hash,
/// so re-embedding an unchanged chunk or a repeated query costs a cache read.
/// </summary>
public sealed class EmbeddingGenerators(MiniLmEmbeddingGenerator embedded, IHttpClientFactory http, IDistributedCache? cache = null)
{
    /// <summary>The HTTP client for embedding endpoints: screened addresses, bounded answers (<see cref="KnowledgeServices"/>).</summary>
    public const string HttpClientName = "embedding-endpoints";

    public IEmbeddingGenerator<string, Embedding<float>> For(Collection collection) =>
        For(collection.EmbeddingEndpoint, collection.EmbeddingModel);

    public IEmbeddingGenerator<string, Embedding<float>> For(string? endpoint, string model)
    {
        var inner = endpoint is null ? embedded : Remote(endpoint, model);
        if (cache is null) return inner;
        return inner.AsBuilder()
            .UseDistributedCache(cache, c => c.CacheKeyAdditionalValues = [endpoint ?? "embedded", model])
            .Build();
    }

    private IEmbeddingGenerator<string, Embedding<float>> Remote(string endpoint, string model) =>
        // Local servers (llama.cpp, LM Studio, Jan) take any key; the client insists on one.
        new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions
            {
                Endpoint = new Uri(endpoint), Transport = new HttpClientPipelineTransport(http.CreateClient(HttpClientName)),
            })
            .GetEmbeddingClient(model)
            .AsIEmbeddingGenerator();
}
