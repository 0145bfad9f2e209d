namespace Gryphgen.Contracts.Llm;

/// <summary>Request urgency, 0 (least) to 9 (most), from the <c>X-Gryphgen-Priority</c> header (<see cref="GryphgenHeaders.Priority"/>).</summary>
public static class GridPriority
{
    public const int Min = 0, Low = 2, Normal = 5, High = 8, Max = 9;

    /// <summary>Whether a number is a priority (a job's, which the workflow sets, is checked by the agent too).</summary>
    public static bool IsValid(int priority) => priority is >= Min and <= Max;

    /// <summary>Reads <c>high</c>, <c>normal</c>, <c>low</c> or a digit 0–9; absent means normal.</summary>
    public static bool TryParse(string? value, out int priority)
    {
        priority = value?.Trim().ToLowerInvariant() switch
        {
            null or "" or "normal" => Normal,
            "high" => High,
            "low" => Low,
            [var digit] when char.IsAsciiDigit(digit) => digit - '0',
            _ => -1,
        };
        return priority >= 0;
    }

    public static string Name(int priority) => priority switch { >= High => "high", <= Low => "low", _ => "normal" };
}
