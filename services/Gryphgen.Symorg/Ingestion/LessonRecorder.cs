using System.Security.Cryptography;
using System.Text;
using Gryphgen.Symorg.Chunking;
using Gryphgen.Symorg.Data;

namespace Gryphgen.Symorg.Ingestion;

/// <summary>Files what a finished task taught as a short Markdown document in the lessons collection.</summary>
public sealed class LessonRecorder(CollectionRegistry registry, KnowledgeIngestor ingestor)
{
    public async Task<string> RecordAsync(string taskId, string summary, string failure, string fix, CancellationToken cancellationToken)
    {
        IngestionPaths.ValidateSource(taskId);
        if (string.IsNullOrWhiteSpace(summary) && string.IsNullOrWhiteSpace(failure) && string.IsNullOrWhiteSpace(fix))
            throw new KnowledgeException(Grpc.Core.StatusCode.InvalidArgument, "a lesson needs a summary, a failure or a fix");

        var uri = $"tasks/{taskId}.md";
        var text = $"# Lesson from task {taskId}\n\n{summary}\n\n## What failed\n\n{failure}\n\n## What fixed it\n\n{fix}\n";
        var collection = await registry.GetOrCreateAsync(CollectionRegistry.Lessons, cancellationToken);
        var document = new PreparedDocument(uri, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))),
            Languages.Markdown, Replaces: true, DocumentChunker.Split(uri, new MarkdownStructure(), text),
            new Dictionary<string, string> { ["task_id"] = taskId });
        await ingestor.WriteDocumentAsync(collection, document, cancellationToken);
        return uri;
    }
}
