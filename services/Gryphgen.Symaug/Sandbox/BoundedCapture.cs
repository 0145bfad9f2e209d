namespace Gryphgen.Symaug.Sandbox;

/// <summary>
/// Keeps the first <c>limit</c> bytes of a stream and drains the rest, so a run that prints gigabytes costs
/// SYMAUG no more memory than the limit; tells once when the limit is passed.
/// </summary>
public sealed class BoundedCapture(long limit)
{
    private readonly MemoryStream _kept = new();

    public bool Truncated { get; private set; }

    public byte[] Bytes => _kept.ToArray();

    public async Task ReadToEndAsync(Stream source, Action onLimitPassed)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await source.ReadAsync(buffer)) > 0)
        {
            var room = (int)Math.Min(read, limit - _kept.Length);
            if (room > 0) _kept.Write(buffer, 0, room);
            if (room < read && !Truncated)
            {
                Truncated = true;
                onLimitPassed();
            }
        }
    }
}
