using System.Text.RegularExpressions;

namespace Gryphgen.Symorq.Data;

/// <summary>The shape of a name an operator gives a stored record (a key, an endpoint, an agent credential).</summary>
public static partial class RecordName
{
    public const string Rule = "must be 1-40 lower-case letters, digits or '-', starting with a letter or digit";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex Shape();

    public static bool IsValid(string name) => Shape().IsMatch(name);
}
