using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Gryphgen.Contracts.Llm;

/// <summary>
/// What an endpoint's own fields must look like, wherever one is named: SYMORQ checks endpoints added at run time and
/// configured ones with these (and what only it can judge, such as which addresses it may reach); the AppHost checks
/// the ones its configuration lists before it starts anything. Each rule answers the problem's text, or null.
/// </summary>
public static partial class LlmEndpointShape
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$")]
    private static partial Regex ModelAlias();

    public static string? NameProblem(string name) => RecordNames.IsValid(name) ? null : $"'{name}' {RecordNames.Rule}";

    /// <summary>The URL parsed when it is one an endpoint may have; <paramref name="problem"/> says why not otherwise.</summary>
    public static bool TryUrl(string url, [NotNullWhen(true)] out Uri? parsed, [NotNullWhen(false)] out string? problem)
    {
        var valid = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && string.IsNullOrEmpty(uri.UserInfo) && string.IsNullOrEmpty(uri.Query);
        parsed = valid ? uri : null;
        problem = valid ? null : $"'{url}' must be an http(s) URL without credentials or query, e.g. http://gpu-box:8080 or http://laptop:1234/v1";
        return valid;
    }

    public static string? KindProblem(string kind) =>
        LlmEndpointKinds.All.Contains(kind) ? null : $"'{kind}' must be one of {string.Join(", ", LlmEndpointKinds.All)}";

    public static IEnumerable<string> AliasProblems(IEnumerable<string> aliases) =>
        aliases.Where(a => !ModelAlias().IsMatch(a)).Select(a => $"'{a}' must be 1-200 letters, digits or ._:/@+- characters");
}
