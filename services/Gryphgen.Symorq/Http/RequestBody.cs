using System.Buffers;

namespace Gryphgen.Symorq.Http;

/// <summary>A request body read whole but never past a limit: refused by Content-Length before reading, or as soon as it passes.</summary>
public static class RequestBody
{
    public static async Task<byte[]> ReadAsync(HttpRequest request, long maxBytes, Func<Exception> tooLarge)
    {
        if (request.ContentLength > maxBytes) throw tooLarge();
        // Sized by Content-Length where sent, read through a pooled chunk: no large allocation per request.
        using var buffer = new MemoryStream((int)(request.ContentLength ?? 0));
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
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
