using Grpc.Core;
using Gryphgen.Contracts;

namespace Gryphgen.Symorg.Tests;

/// <summary>
/// A collection's embedding endpoint is a URL a caller names: screened like SYMORQ's grid endpoints (link-local and
/// metadata addresses refused), and what it answers not repeated in the error.
/// </summary>
[Collection("symorg")]
public sealed class EmbeddingEndpointScreeningTests(SymorgHost host)
{
    private Task<CollectionInfo> CreateAsync(string name, string endpoint) =>
        host.Knowledge.CreateCollectionAsync(new CreateCollectionRequest { Name = name, EmbeddingEndpoint = endpoint, EmbeddingModel = "m" }).ResponseAsync;

    [Theory]
    [InlineData("http://169.254.169.254/v1")]
    [InlineData("http://[fe80::1]:8080/v1")]
    [InlineData("http://100.100.100.200/v1")]
    public async Task A_link_local_or_metadata_address_is_refused(string url)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => CreateAsync("metadata", url));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task An_error_answer_is_reported_by_its_status_without_its_text()
    {
        await using var endpoint = new FixedAnswerServer(500, "{\"error\": \"internal-secret-7f3a\"}", bodyBytes: 33);

        var error = await Assert.ThrowsAsync<RpcException>(() => CreateAsync("error-answer", endpoint.Url.ToString()));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("500", error.Status.Detail);
        Assert.DoesNotContain("internal-secret", error.Status.Detail);
    }

    [Fact]
    public async Task An_endpoint_that_never_sends_its_answer_headers_fails_the_call_naming_the_timeout()
    {
        await using var endpoint = FixedAnswerServer.Silent();

        var error = await Assert.ThrowsAsync<RpcException>(() => CreateAsync("silent", endpoint.Url.ToString()));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("Symorg:EmbeddingFirstByteTimeout", error.Status.Detail);
    }
}
