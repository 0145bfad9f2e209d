using System.CommandLine;
using System.Numerics;

namespace Gryphgen.Benchmarks;

/// <summary>Lower bounds for the benchmarks' numeric options: a count of zero or a negative time is refused with the option's name.</summary>
public static class OptionRanges
{
    public static Option<T> AtLeast<T>(this Option<T> option, T minimum) where T : INumber<T>
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() < minimum) result.AddError($"{option.Name} must be at least {minimum}");
        });
        return option;
    }

    public static Option<T[]> EachAtLeast<T>(this Option<T[]> option, T minimum) where T : INumber<T>
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T[]>() is { } values && values.Any(v => v < minimum)) result.AddError($"each of {option.Name} must be at least {minimum}");
        });
        return option;
    }
}
