namespace Gryphgen.Testing;

/// <summary>Polls for a condition that becomes true through other processes' work, within a bounded time.</summary>
public static class Eventually
{
    public static async Task<T> Get<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        T last;
        do
        {
            last = await probe();
            if (done(last)) return last;
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"{what} did not happen within {within.TotalSeconds:0} s; last seen: {Describe(last)}");
    }

    // A list prints its items, so a timeout says which workers, steps or rows were there.
    private static string Describe<T>(T value) => value is System.Collections.IEnumerable items and not string
        ? "[" + string.Join(", ", items.Cast<object>()) + "]"
        : $"{value}";
}
