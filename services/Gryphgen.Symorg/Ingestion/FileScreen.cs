using System.Security.Cryptography;
using System.Text;

namespace Gryphgen.Symorg.Ingestion;

/// <summary>Reads a file and decides whether it is text SYMORG can ingest: not too large, not binary, valid UTF-8.</summary>
public static class FileScreen
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static async Task<ScreenedFile> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken)
    {
        var length = new FileInfo(path).Length;
        if (length > maxBytes) return new ScreenedFile(null, "", $"too large: {length} bytes, the limit is {maxBytes}");

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        // A NUL byte is how git tells binary from text too (and PostgreSQL text cannot hold one).
        if (bytes.AsSpan().Contains((byte)0)) return new ScreenedFile(null, hash, "binary");
        try
        {
            var text = StrictUtf8.GetString(bytes);
            return new ScreenedFile(text.StartsWith('\uFEFF') ? text[1..] : text, hash, null);
        }
        catch (DecoderFallbackException ex)
        {
            return new ScreenedFile(null, hash, $"not valid UTF-8 (byte {ex.Index})");
        }
    }
}
