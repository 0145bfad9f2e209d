using System.Buffers;

namespace Gryphgen.Symorq.Http;

/// <summary>
/// A body read whole but never past a limit: refused by Content-Length before reading, or as soon as it passes.
/// For request bodies from callers and for answers from endpoints alike, neither of which is trusted to be small.
/// </summary>
public static class BoundedBody
{
    private const int ChunkBytes = 16 * 1024;

    public static Task<byte[]> ReadAsync(HttpRequest request, long maxBytes, Func<Exception> tooLarge) =>
        ReadAsync(request.Body, request.ContentLength, maxBytes, tooLarge, request.HttpContext.RequestAborted);

    /// <summary>The body of <paramref name="contentLength"/> (when known); <paramref name="received"/> is told of every read that brought bytes.</summary>
    public static async Task<byte[]> ReadAsync(Stream body, long? contentLength, long maxBytes, Func<Exception> tooLarge, CancellationToken ct,
        Action? received = null)
    {
        if (contentLength > maxBytes) throw tooLarge();
        // Content-Length is the sender's word: it may refuse early, but the buffer grows only with the bytes that
        // arrive (a caller claiming the cap and sending ten bytes must not cost the cap). Sized by it up to one chunk.
        using var buffer = new MemoryStream((int)Math.Min(contentLength ?? 0, ChunkBytes));
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > maxBytes) throw tooLarge();
                buffer.Write(chunk, 0, read);
                received?.Invoke();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }
}
