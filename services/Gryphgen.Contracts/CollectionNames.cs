using System.Text.RegularExpressions;

namespace Gryphgen.Contracts;

/// <summary>
/// The shape of a knowledge collection's name, checked by SYMORG when a collection is made or named and by SYMORQ
/// when a key is granted collections to search.
/// </summary>
public static partial class CollectionNames
{
    public const string Rule = "use 1-63 lower-case letters, digits, '-' or '_', starting with a letter or digit";

    /// <summary>Granted to a key, every collection, present and future.</summary>
    public const string Every = "*";

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$")]
    private static partial Regex Shape();

    public static bool IsValid(string name) => Shape().IsMatch(name);
}
