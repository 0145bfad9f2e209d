using System.Buffers;

namespace Gryphgen.Symorq.Http;

/// <summary>
/// A body read whole but never past a limit: refused by Content-Length before reading, or as soon as it passes.
/// For request bodies from callers and for answers from endpoints alike, neither of which is trusted to be small.
/// </summary>
public static class BoundedBody
{
    public static Task<byte[]> ReadAsync(HttpRequest request, long maxBytes, Func<Exception> tooLarge) =>
        ReadAsync(request.Body, request.ContentLength, maxBytes, tooLarge, request.HttpContext.RequestAborted);

    public static async Task<byte[]> ReadAsync(Stream body, long? contentLength, long maxBytes, Func<Exception> tooLarge, CancellationToken ct)
    {
        if (contentLength > maxBytes) throw tooLarge();
        // Sized by Content-Length where sent, read through a pooled chunk: no large allocation per request.
        using var buffer = new MemoryStream((int)(contentLength ?? 0));
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > maxBytes) throw tooLarge();
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }
}
