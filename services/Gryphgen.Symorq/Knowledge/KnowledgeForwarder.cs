using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Symorq.Keys;
using Microsoft.AspNetCore.Authorization;

namespace Gryphgen.Symorq.Knowledge;

/// <summary>
/// SYMORG's knowledge API on SYMORQ's public endpoint, so the CLI needs one address: every call is passed on as it
/// is, and SYMORG's answer, error status included, comes back as it is. <c>BuildContext</c> and <c>RecordLesson</c>
/// are not offered (UNIMPLEMENTED here): they are SYMORQ's own calls, made straight to SYMORG by the mission loop,
/// and a lesson recorded from outside would be fed into every later task's prompt. A user key searches only the
/// collections it was granted (<c>gryphgen keys create --collection</c>), an admin key every one; making and filling
/// collections takes an admin key.
/// </summary>
public sealed class KnowledgeForwarder(Contracts.Knowledge.KnowledgeClient symorg) : Contracts.Knowledge.KnowledgeBase
{
    [Authorize(Policy = KeyScopes.Admin)]
    public override Task<CollectionInfo> CreateCollection(CreateCollectionRequest request, ServerCallContext context) =>
        symorg.CreateCollectionAsync(request, Options(context)).ResponseAsync;

    [Authorize(Policy = KeyScopes.Admin)]
    public override Task<IngestReply> IngestPath(IngestPathRequest request, ServerCallContext context) =>
        symorg.IngestPathAsync(request, Options(context)).ResponseAsync;

    [Authorize(Policy = KeyScopes.Admin)]
    public override async Task<IngestReply> IngestArchive(IAsyncStreamReader<ArchivePart> requestStream, ServerCallContext context)
    {
        using var call = symorg.IngestArchive(Options(context));
        try
        {
            await foreach (var part in requestStream.ReadAllAsync(context.CancellationToken))
                await call.RequestStream.WriteAsync(part, context.CancellationToken);
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException) when (!context.CancellationToken.IsCancellationRequested)
        {
            // SYMORG stopped reading (a bad header, a size limit): its reply says why.
        }
        return await call.ResponseAsync;
    }

    public override Task<SearchReply> Search(SearchRequest request, ServerCallContext context)
    {
        // Refused before SYMORG is asked, so the answer does not tell whether such a collection exists.
        if (!ApiCaller.From(context.GetHttpContext().User).MaySearch(request.Collection))
            throw new RpcException(new Grpc.Core.Status(StatusCode.PermissionDenied,
                $"this key may not search collection '{request.Collection}': an admin grants it with 'gryphgen keys create --collection'"));
        return symorg.SearchAsync(request, Options(context)).ResponseAsync;
    }

    private static CallOptions Options(ServerCallContext context) =>
        new(deadline: context.Deadline == DateTime.MaxValue ? null : context.Deadline, cancellationToken: context.CancellationToken);
}
