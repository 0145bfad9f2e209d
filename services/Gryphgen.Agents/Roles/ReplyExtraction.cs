using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gryphgen.Agents.Roles;

/// <summary>
/// Finds the JSON object in a model's reply. A server that honours <c>response_format</c> answers with the object
/// alone; others (and models that ignore the request) wrap it in code fences or prose, so fenced blocks are tried
/// first, then every '{' in the text, and the first complete JSON object found wins.
/// </summary>
public static partial class ReplyExtraction
{
    /// <summary>How many '{' are tried before giving up, so a long reply of prose cannot make this slow.</summary>
    private const int MaxCandidates = 200;

    public static bool TryExtract(string text, out string json)
    {
        foreach (var block in FencedBlocks(text).Append(text))
        {
            if (TryFirstObject(block, out json)) return true;
        }
        json = "";
        return false;
    }

    private static IEnumerable<string> FencedBlocks(string text) =>
        Fence().Matches(text).Select(m => m.Groups["body"].Value);

    private static bool TryFirstObject(string text, out string json)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var tried = 0;
        for (var start = Array.IndexOf(bytes, (byte)'{'); start >= 0 && tried++ < MaxCandidates; start = Array.IndexOf(bytes, (byte)'{', start + 1))
        {
            var reader = new Utf8JsonReader(bytes.AsSpan(start), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            try
            {
                using var document = JsonDocument.ParseValue(ref reader);
                json = document.RootElement.GetRawText();
                return true;
            }
            catch (JsonException)
            {
                // Not an object starting here (prose with a brace, or a cut-off reply): try the next '{'.
            }
        }
        json = "";
        return false;
    }

    [GeneratedRegex(@"```[A-Za-z0-9_-]*[ \t]*\r?\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Fence();
}
