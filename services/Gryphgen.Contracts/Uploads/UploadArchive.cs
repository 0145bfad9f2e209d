using System.Formats.Tar;
using System.IO.Compression;

namespace Gryphgen.Contracts.Uploads;

/// <summary>
/// The upload format of <c>Knowledge.IngestArchive</c>: a file, or a folder's regular files, as a .tar.gz; dotfiles
/// included (SYMORG needs the <c>.gitignore</c> files to honour them), without <c>.git</c> and without links.
/// </summary>
public static class UploadArchive
{
    public static void WriteTarGz(string path, Stream output)
    {
        using var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        if (File.Exists(path))
        {
            tar.WriteEntry(path, Path.GetFileName(path));
            return;
        }
        var root = new DirectoryInfo(path);
        foreach (var file in Files(root))
        {
            tar.WriteEntry(file.FullName, Path.GetRelativePath(root.FullName, file.FullName).Replace(Path.DirectorySeparatorChar, '/'));
        }
    }

    private static IEnumerable<FileInfo> Files(DirectoryInfo directory)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null || entry.Name == ".git") continue;
            if (entry is DirectoryInfo sub)
            {
                foreach (var file in Files(sub)) yield return file;
            }
            else if (entry is FileInfo file)
            {
                yield return file;
            }
        }
    }
}
