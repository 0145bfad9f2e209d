using Gryphgen.Symorg.Chunking;

namespace Gryphgen.Symorg.Tests;

public sealed class ChunkerTests
{
    [Fact]
    public void Csharp_splits_at_declarations_and_names_the_enclosing_class()
    {
        var chunks = Split("src/WidgetParser.cs", SampleRepository.WidgetParser);

        var parse = Assert.Single(chunks, c => c.Text.Contains("ParseWidgetConfig(string json)"));
        Assert.Equal("src/WidgetParser.cs · class WidgetParser › ParseWidgetConfig()", parse.Header);
        Assert.DoesNotContain("JsonSerializer.Serialize(config", parse.Text);
        AssertLineRangesMatch(SampleRepository.WidgetParser, chunks);
    }

    [Fact]
    public void Python_splits_at_functions_and_classes()
    {
        var chunks = Split("geometry.py", SampleRepository.Geometry);

        Assert.Contains(chunks, c => c.Header == "geometry.py · area_of_circle()" && c.Text.Contains("math.pi"));
        Assert.Contains(chunks, c => c.Header.StartsWith("geometry.py · class Shape") && c.Text.Contains("def describe"));
        AssertLineRangesMatch(SampleRepository.Geometry, chunks);
    }

    [Fact]
    public void Markdown_splits_at_headings_with_the_heading_path_as_header()
    {
        var chunks = Split("guide.md", SampleRepository.Guide);

        Assert.Contains(chunks, c => c.Header == "guide.md · Guide › Deploying to production" && c.Text.Contains("reverse proxy"));
        AssertLineRangesMatch(SampleRepository.Guide, chunks);
    }

    [Theory]
    [InlineData("main.go", "package main\n\ntype Server struct {\n    port int\n}\n\nfunc (s *Server) Serve(addr string) error {\n", "Serve()")]
    [InlineData("App.java", "package app;\n\npublic class App {\n    public static void main(String[] args) {\n", "class App › main()")]
    [InlineData("app.ts", "export class Store {\n  async load(id: string): Promise<Item> {\n", "class Store › load()")]
    [InlineData("util.js", "export function debounce(fn, wait) {\n", "debounce()")]
    [InlineData("list.c", "#include <stdlib.h>\n\nstatic int list_length(const struct node *head)\n{\n", "list_length()")]
    [InlineData("vec.cpp", "namespace geo {\nclass Vec {\n", "namespace geo › class Vec")]
    public void Each_language_finds_its_declarations(string path, string start, string expected)
    {
        var body = string.Concat(Enumerable.Repeat("    // a body long enough to stand as its own chunk\n", 6));
        var chunks = Split(path, start + body + "}\n");

        Assert.Contains(chunks, c => c.Header.EndsWith(expected));
    }

    [Fact]
    public void A_section_over_the_size_limit_becomes_overlapping_windows()
    {
        var text = string.Join('\n', Enumerable.Range(1, 400).Select(i => $"line {i} of a long plain text file"));
        var chunks = Split("notes.txt", text);

        Assert.True(chunks.Count > 1);
        Assert.All(chunks, c => Assert.True(c.Text.Length <= DocumentChunker.MaxChars));
        for (var i = 1; i < chunks.Count; i++)
        {
            Assert.Equal(chunks[i - 1].EndLine - DocumentChunker.OverlapLines + 1, chunks[i].StartLine);
        }
        Assert.Equal(1, chunks[0].StartLine);
        Assert.Equal(400, chunks[^1].EndLine);
        AssertLineRangesMatch(text, chunks);
    }

    private static IReadOnlyList<TextChunk> Split(string path, string text) =>
        DocumentChunker.Split(path, Languages.ForPath(path).Structure, text);

    /// <summary>Every chunk's text is exactly its line range of the file, so a citation points at what was read.</summary>
    private static void AssertLineRangesMatch(string text, IReadOnlyList<TextChunk> chunks)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        foreach (var chunk in chunks)
        {
            Assert.Equal(string.Join('\n', lines[(chunk.StartLine - 1)..chunk.EndLine]).TrimEnd('\n'), chunk.Text);
        }
    }
}
