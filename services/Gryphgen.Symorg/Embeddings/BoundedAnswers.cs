namespace Gryphgen.Symorg.Embeddings;

/// <summary>
/// Reads an embedding endpoint's whole answer before the client sees it, and no more than a limit of it: an endpoint
/// is whatever URL a caller named, and one that answers without end would otherwise run SYMORG out of memory.
/// </summary>
public sealed class BoundedAnswers(long maxBytes) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            await response.Content.LoadIntoBufferAsync(maxBytes, cancellationToken);
            return response;
        }
        catch (HttpRequestException)
        {
            response.Dispose();
            throw new HttpRequestException($"the answer is larger than {maxBytes} bytes (Symorg:MaxEmbeddingResponseBytes)");
        }
    }
}
