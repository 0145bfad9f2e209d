using System.Numerics.Tensors;
using Gryphgen.Contracts;
using Gryphgen.Symorg.Embeddings;
using Gryphgen.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Gryphgen.Symorg.Tests;

[Collection("symorg")]
public sealed class EmbeddingTests(SymorgHost host)
{
    private readonly MiniLmEmbeddingGenerator _miniLm = host.Services.GetRequiredService<MiniLmEmbeddingGenerator>();

    [Fact]
    public async Task The_embedded_model_gives_normalised_384_dimensional_vectors_that_follow_meaning()
    {
        var e = await _miniLm.GenerateAsync(["A cat sits on the mat.", "A kitten is resting on a rug.", "Quarterly tax filing deadlines"]);

        Assert.All(e, v => Assert.Equal(384, v.Vector.Length));
        Assert.All(e, v => Assert.Equal(1.0, TensorPrimitives.Norm(v.Vector.Span), 3));
        Assert.True(Cosine(e[0], e[1]) > Cosine(e[0], e[2]) + 0.3);
    }

    [Fact]
    public async Task Accented_and_cjk_text_is_tokenized_not_turned_into_unknown_tokens()
    {
        // The package's own tokenizer makes each of these words one unknown token; "[UNK]" is that token.
        var e = await _miniLm.GenerateAsync(["café crème", "cafe creme", "東京", "[UNK]", "café"]);

        Assert.True(Cosine(e[0], e[1]) > 0.99); // accents are stripped, as the uncased model was trained
        Assert.True(Cosine(e[2], e[3]) < 0.9);
        Assert.True(Cosine(e[4], e[3]) < 0.9);
    }

    [Fact]
    public async Task Input_beyond_256_tokens_is_truncated_not_refused()
    {
        var e = await _miniLm.GenerateAsync([string.Join(' ', Enumerable.Repeat("widget", 2000))]);
        Assert.Equal(384, e[0].Vector.Length);
    }

    [Fact]
    public async Task A_collection_can_embed_with_an_openai_compatible_endpoint()
    {
        await using var llama = await LlamaServerProcess.StartAsync();

        var created = await host.Knowledge.CreateCollectionAsync(new CreateCollectionRequest
        {
            Name = "remote-embeddings", EmbeddingEndpoint = new Uri(llama.Url, "v1").ToString(), EmbeddingModel = "tiny",
        });
        var ingested = await host.IngestSampleRepositoryAsync("remote-embeddings");
        var hits = await host.Knowledge.SearchAsync(new SearchRequest { Collection = "remote-embeddings", Query = "ParseWidgetConfig", Mode = SearchMode.Vector });

        Assert.Equal(64, created.Dimension); // the tiny model's width, found by asking the endpoint
        Assert.Equal(4, ingested.Added);
        Assert.NotEmpty(hits.Hits);
    }

    [Fact]
    public async Task An_endpoint_that_does_not_answer_is_refused_when_the_collection_is_created()
    {
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => host.Knowledge.CreateCollectionAsync(new CreateCollectionRequest
        {
            Name = "dead-endpoint", EmbeddingEndpoint = $"http://127.0.0.1:{FreePort.Next()}/v1", EmbeddingModel = "m",
        }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.FailedPrecondition, error.StatusCode);
    }

    private static float Cosine(Microsoft.Extensions.AI.Embedding<float> a, Microsoft.Extensions.AI.Embedding<float> b) =>
        TensorPrimitives.CosineSimilarity(a.Vector.Span, b.Vector.Span);
}
