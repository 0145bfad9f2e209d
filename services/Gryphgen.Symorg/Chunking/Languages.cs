using System.Text.RegularExpressions;

namespace Gryphgen.Symorg.Chunking;

/// <summary>The languages SYMORG recognises by file extension, and the structure each one is split by.</summary>
public static class Languages
{
    public const string Text = "text";
    public const string Markdown = "markdown";

    private const string NotStatements = @"(?!\s*(?:if|for|foreach|while|switch|return|using|lock|catch|new|await|else|throw|yield|case|do|sizeof|typeof)\b)";

    private static Regex Pattern(string pattern) => new(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);

    private static readonly BraceStructure CSharp = new([
        Pattern(@"^\s*(?:\[.*\]\s*)?(?:(?:public|private|protected|internal|static|sealed|abstract|partial|readonly|file|unsafe|new|ref)\s+)*(?<kind>class|struct|interface|record|enum|namespace)\s+(?<name>[\w.]+)"),
        Pattern(@$"^\s*{NotStatements}(?:(?:public|private|protected|internal|static|virtual|override|abstract|sealed|async|extern|unsafe|new|partial|readonly)\s+)+[\w<>\[\],.?() ]+?\s+(?<name>\w+)\s*(?:<[^>]*>)?\s*\("),
    ]);

    private static readonly BraceStructure Java = new([
        Pattern(@"^\s*(?:@\w+\s+)*(?:(?:public|private|protected|static|final|abstract|sealed|strictfp)\s+)*(?<kind>class|interface|enum|record)\s+(?<name>\w+)"),
        Pattern(@$"^\s*{NotStatements}(?:(?:public|private|protected|static|final|abstract|synchronized|native|default)\s+)+[\w<>\[\],.? ]+?\s+(?<name>\w+)\s*\("),
    ]);

    private static readonly BraceStructure Script = new([
        Pattern(@"^\s*(?:export\s+)?(?:default\s+)?(?:abstract\s+)?(?<kind>class|interface|enum)\s+(?<name>\w+)"),
        Pattern(@"^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\*?\s+(?<name>\w+)"),
        Pattern(@"^\s*(?:export\s+)?(?:const|let|var)\s+(?<name>\w+)\s*(?::[^=]+)?=\s*(?:async\s*)?(?:\([^)]*\)|\w+)\s*(?::[^=]+)?=>"),
        Pattern(@$"^\s+{NotStatements}(?:(?:public|private|protected|static|async|readonly|override|get|set)\s+)*(?<name>\w+)\s*\([^)]*\)\s*(?::\s*[^{{]+)?\{{"),
    ]);

    private static readonly BraceStructure Go = new([
        Pattern(@"^func\s+(?:\([^)]*\)\s*)?(?<name>\w+)"),
        Pattern(@"^type\s+(?<name>\w+)\s+(?<kind>struct|interface)"),
    ]);

    private static readonly BraceStructure CFamily = new([
        Pattern(@"^\s*(?:template\s*<[^>]*>\s*)?(?<kind>class|struct|namespace|union|enum)\s+(?<name>\w+)[^;]*$"),
        Pattern(@$"^{NotStatements}[\w:<>\*&,]+(?:[ \t]+[\w:<>\*&,]+)*[ \t\*&]+(?<name>[\w:~]+)\s*\([^;]*$"),
    ]);

    private static readonly Dictionary<string, (string Language, IDocumentStructure Structure)> ByExtension =
        new(StringComparer.OrdinalIgnoreCase)
        {
            [".cs"] = ("csharp", CSharp),
            [".java"] = ("java", Java),
            [".js"] = ("javascript", Script), [".mjs"] = ("javascript", Script), [".cjs"] = ("javascript", Script), [".jsx"] = ("javascript", Script),
            [".ts"] = ("typescript", Script), [".tsx"] = ("typescript", Script), [".mts"] = ("typescript", Script),
            [".go"] = ("go", Go),
            [".c"] = ("c", CFamily), [".h"] = ("c", CFamily),
            [".cc"] = ("cpp", CFamily), [".cpp"] = ("cpp", CFamily), [".cxx"] = ("cpp", CFamily), [".hpp"] = ("cpp", CFamily), [".hh"] = ("cpp", CFamily),
            [".py"] = ("python", new IndentStructure()),
            [".md"] = (Markdown, new MarkdownStructure()), [".markdown"] = (Markdown, new MarkdownStructure()),
        };

    private static readonly PlainStructure Plain = new();

    public static (string Language, IDocumentStructure Structure) ForPath(string path) =>
        ByExtension.TryGetValue(Path.GetExtension(path), out var known) ? known : (Text, Plain);
}
