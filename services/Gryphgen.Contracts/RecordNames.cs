using System.Text.RegularExpressions;

namespace Gryphgen.Contracts;

/// <summary>
/// The shape of a name an operator gives a record (a key, an endpoint, an agent credential, a deployment parameter):
/// checked by SYMORQ where it stores one and by the AppHost where its configuration names one.
/// </summary>
public static partial class RecordNames
{
    public const string Rule = "must be 1-40 lower-case letters, digits or '-', starting with a letter or digit";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex Shape();

    public static bool IsValid(string name) => Shape().IsMatch(name);
}
