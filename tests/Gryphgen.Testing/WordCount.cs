namespace Gryphgen.Testing;

/// <summary>A small Python task and the solutions the scripted generator offers for it: right, half right, wrong.</summary>
public static class WordCount
{
    public const string Tests = """
        from wc import count_words

        def test_spaces():
            assert count_words("a b  c") == 3

        def test_tabs_and_newlines():
            assert count_words("a\tb\nc") == 3
        """;

    /// <summary>Splits on spaces only: the first test passes, the second fails.</summary>
    public static readonly (string, string) SpacesOnly = ("wc.py", "def count_words(text):\n    return len([w for w in text.split(' ') if w])  # spaces-only\n");

    public static readonly (string, string) Correct = ("wc.py", "def count_words(text):\n    return len(text.split())\n");

    /// <summary>Fails both tests: a regression from <see cref="SpacesOnly"/>.</summary>
    public static readonly (string, string) Broken = ("wc.py", "def count_words(text):\n    return 0\n");

    /// <summary>
    /// The task, as a user writes it; <paramref name="marker"/> in the title ties the scripted answers to it. With a
    /// <paramref name="folder"/> (e.g. "tests/") the acceptance test is in it, and pytest collects only it.
    /// </summary>
    /// <param name="models">The task's model aliases per role (the spec's <c>models</c> map, in YAML's flow form).</param>
    public static string Spec(string marker, int iterations = 6, string priority = "normal", string folder = "", string models = "generator: coder") => $$"""
        title: word count {{marker}}
        description: |
          A Python module wc.py with count_words(text) that counts words separated by any whitespace.
        language: python
        acceptance:
          command: python3 -m pytest -q{{(folder.Length > 0 ? " " + folder : "")}}
          files:
            {{folder}}test_wc.py: |
        {{Indent(Tests, 6)}}
        requirements:
          - counts words separated by any whitespace
        priority: {{priority}}
        budget: { iterations: {{iterations}}, tokens: 100000, minutes: 10 }
        models: { {{models}} }
        """;

    private static string Indent(string text, int spaces) =>
        string.Join('\n', text.Split('\n').Select(line => new string(' ', spaces) + line));
}
