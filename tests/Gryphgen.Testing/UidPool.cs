namespace Gryphgen.Testing;

/// <summary>
/// A sandbox uid pool of its own for each SYMAUG a test starts: SYMAUG refuses a pool another running one holds.
/// The pools lie above SYMAUG's default one, so a system the AppHost runs beside the tests is never in their way.
/// </summary>
public sealed record UidPool(int Start, int Size)
{
    private const int First = 200_000, Each = 256;
    private static int _taken = -1;

    public static UidPool Next() => new(First + Interlocked.Increment(ref _taken) * Each, Each);

    public bool Holds(int uid) => uid >= Start && uid < Start + Size;

    /// <summary>SYMAUG's settings for this pool, as environment variables.</summary>
    public IEnumerable<KeyValuePair<string, string>> Settings =>
        [new("Sandbox__UidPoolStart", Start.ToString()), new("Sandbox__UidPoolSize", Size.ToString())];
}
