using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Gryphgen.Cli.Commands;

namespace Gryphgen.Cli.Tests;

/// <summary>
/// Unpacking a project exported from a workspace that generated code wrote: links that leave the project are left
/// out and reported, the rest is written, and a broken archive writes nothing.
/// </summary>
public sealed class ArtifactArchiveTests : IDisposable
{
    private readonly string _parent = Directory.CreateTempSubdirectory("gryphgen-artifacts-").FullName;

    private string Destination => Path.Combine(_parent, "project");

    private static MemoryStream Archive(Action<TarWriter> write)
    {
        var archive = new MemoryStream();
        using (var gzip = new GZipStream(archive, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            write(tar);
        }
        archive.Position = 0;
        return archive;
    }

    private static void File(TarWriter tar, string name, string content) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });

    private static void Link(TarWriter tar, string name, string target) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target });

    [Fact]
    public async Task Links_out_of_the_project_are_left_out_and_reported_one_line_each_and_the_rest_is_written()
    {
        using var archive = Archive(tar =>
        {
            File(tar, "app.py", "print(1)\n");
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "sub"));
            File(tar, "sub/mod.py", "x = 1\n");
            Link(tar, "etc", "/etc");
            Link(tar, "sub/up", "../../x");
            Link(tar, "alias.py", "app.py");
            Link(tar, "sub/sibling", "../app.py");
            Link(tar, "sub/parent", "..");
            Link(tar, "escape", "sub/parent/.."); // inside by its letters, outside once sub/parent is followed
            Link(tar, "evil\u001b[2J", "/etc/shadow");
        });
        var leftOut = new StringWriter();

        var files = await ArtifactArchive.ExtractAsync(archive, Destination, leftOut, CancellationToken.None);

        Assert.Equal(2, files);
        Assert.Equal("print(1)\n", await System.IO.File.ReadAllTextAsync(Path.Combine(Destination, "app.py")));
        Assert.Equal("x = 1\n", await System.IO.File.ReadAllTextAsync(Path.Combine(Destination, "sub/mod.py")));
        Assert.Equal("app.py", new FileInfo(Path.Combine(Destination, "alias.py")).LinkTarget);
        Assert.Equal("../app.py", new FileInfo(Path.Combine(Destination, "sub/sibling")).LinkTarget);
        Assert.Equal("..", new FileInfo(Path.Combine(Destination, "sub/parent")).LinkTarget);
        foreach (var absent in new[] { "etc", "sub/up", "escape" })
        {
            Assert.False(Path.Exists(Path.Combine(Destination, absent)), absent);
        }
        var lines = leftOut.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("gryphgen: left out 'etc -> /etc'"));
        Assert.Contains(lines, l => l.StartsWith("gryphgen: left out 'sub/up -> ../../x'"));
        Assert.Contains(lines, l => l.StartsWith("gryphgen: left out 'escape -> sub/parent/..'"));
        Assert.Contains(lines, l => l.StartsWith(@"gryphgen: left out 'evil\x1b[2J -> /etc/shadow'"));
        Assert.Equal(["project"], Directory.GetFileSystemEntries(_parent).Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_archive_that_breaks_half_way_leaves_no_destination_and_no_partial_folder()
    {
        using var whole = Archive(tar =>
        {
            File(tar, "first.py", "print(1)\n");
            File(tar, "second.py", new string('x', 100_000));
        });
        using var cut = new MemoryStream(whole.ToArray()[..(int)(whole.Length / 2)]);

        await Assert.ThrowsAnyAsync<Exception>(() => ArtifactArchive.ExtractAsync(cut, Destination, TextWriter.Null, CancellationToken.None));

        Assert.Empty(Directory.GetFileSystemEntries(_parent));
    }

    public void Dispose() => Directory.Delete(_parent, recursive: true);
}
