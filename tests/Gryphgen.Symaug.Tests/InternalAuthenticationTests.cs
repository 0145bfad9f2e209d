using System.Net;
using Grpc.Core;
using Gryphgen.Contracts;
using Gryphgen.Testing;

namespace Gryphgen.Symaug.Tests;

/// <summary>SYMAUG answers only SYMORQ: every RPC of its services refuses a caller without the internal credential.</summary>
public sealed class InternalAuthenticationTests(SymaugServer symaug) : IClassFixture<SymaugServer>
{
    [Theory]
    [InlineData(null)]
    [InlineData("wrong-credential")]
    [InlineData(GridProcesses.InternalCredential + "x")]
    public async Task Every_RPC_is_UNAUTHENTICATED_without_the_internal_credential(string? credential)
    {
        using var channel = symaug.OpenChannel(credential);
        var results = await EveryRpc.CallAsync(channel.CreateCallInvoker(), Contracts.Workspaces.Descriptor, ComponentInfo.Descriptor);

        Assert.NotEmpty(results);
        Assert.Equal(results.Select(r => (r.Method, StatusCode.Unauthenticated)), results);
    }

    [Fact]
    public async Task With_the_internal_credential_SYMORG_answers_and_health_needs_none()
    {
        using var channel = symaug.OpenChannel(GridProcesses.InternalCredential);
        var reply = await new ComponentInfo.ComponentInfoClient(channel).DescribeAsync(new DescribeRequest());
        Assert.NotEmpty(reply.Components);

        using var http = symaug.CreateHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
    }
}
