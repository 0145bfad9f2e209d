using System.Text;
using System.Text.Json.Nodes;
using Gryphgen.Symorq.Grid.Gateway;
using Microsoft.AspNetCore.Http;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// The gateway's one-pass reading of a request body: the fields it needs, found however the JSON is written; every
/// other byte left as the client sent it; and each malformed body refused with the field at fault.
/// </summary>
public sealed class GatewayRequestTests
{
    private static Task<GatewayRequest> Read(string body, GatewayOperation? operation = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return GatewayRequest.ReadAsync(context.Request, operation ?? GatewayOperation.Chat, 1 << 20, DateTimeOffset.UnixEpoch);
    }

    private static async Task<OpenAiError> Refused(string body) => (await Assert.ThrowsAsync<GatewayRejection>(() => Read(body))).Error;

    [Fact]
    public async Task Reads_the_fields_it_schedules_by_and_skips_the_rest_whatever_they_hold()
    {
        var request = await Read("""
            {"tools": [{"type": "function", "function": {"name": "model", "parameters": {"model": 1, "stream": true}}}],
             "response_format": {"type": "json_schema", "json_schema": {"max_tokens": -1}},
             "model": "coder", "temperature": 0, "max_tokens": 64,
             "messages": [{"role": "user", "content": "Name three colours."}]}
            """);

        Assert.Equal("coder", request.Model);
        Assert.False(request.Stream);
        Assert.True(request.Deterministic);
        Assert.Equal(64, request.MaxTokens);
        Assert.InRange(request.PromptTokensEstimate, 10, 20);
    }

    [Fact]
    public async Task Max_completion_tokens_wins_over_max_tokens_and_streaming_is_never_deterministic()
    {
        var request = await Read("""{"model": "m", "stream": true, "temperature": 0, "max_tokens": 10, "max_completion_tokens": 20, "messages": [1]}""");

        Assert.Equal(20, request.MaxTokens);
        Assert.True(request.Stream);
        Assert.False(request.Deterministic);
    }

    [Fact]
    public async Task Field_names_written_with_escapes_are_the_same_fields()
    {
        var request = await Read("""{"\u006dodel": "m\u00e9", "messages": [{"role": "user", "content": "x"}]}""");

        Assert.Equal("mé", request.Model);
    }

    [Fact]
    public async Task An_alias_is_replaced_by_the_model_id_and_every_other_byte_is_kept()
    {
        const string body = """{ "messages":[{"role":"user","content":"model: \"coder\""}],  "model" : "coder" ,"seed":7 }""";
        var request = await Read(body);

        Assert.Same(request.Bytes, request.BodyFor("coder"));
        var rewritten = Encoding.UTF8.GetString(request.BodyFor("qwen2.5-coder \"7b\""));
        Assert.Equal(body.Replace("\"model\" : \"coder\"", "\"model\" : \"qwen2.5-coder \\u00227b\\u0022\""), rewritten);
        Assert.Equal("qwen2.5-coder \"7b\"", (string?)JsonNode.Parse(rewritten)!["model"]);
    }

    [Fact]
    public async Task Embeddings_take_input_as_a_string_or_a_list()
    {
        Assert.Equal("e", (await Read("""{"model": "e", "input": "some text"}""", GatewayOperation.Embeddings)).Model);
        Assert.Equal("e", (await Read("""{"model": "e", "input": ["a", "b"]}""", GatewayOperation.Embeddings)).Model);
    }

    [Theory]
    [InlineData("", "invalid_json", null)]
    [InlineData("{not json", "invalid_json", null)]
    [InlineData("""{"model": "m", "messages": [1]} trailing""", "invalid_json", null)]
    [InlineData("""{"model": "m", "messages": [1]}{}""", "invalid_json", null)]
    [InlineData("""{"model": "m", "messages": [1, }""", "invalid_json", null)]
    [InlineData("[1, 2]", null, null)]
    [InlineData("\"model\"", null, null)]
    [InlineData("""{"model": 5, "messages": [1]}""", null, "model")]
    [InlineData("""{"model": "  ", "messages": [1]}""", null, "model")]
    [InlineData("""{"model": null, "messages": [1]}""", null, "model")]
    [InlineData("""{"model": "m", "messages": null}""", null, "messages")]
    [InlineData("""{"model": "m", "messages": [ ]}""", null, "messages")]
    [InlineData("""{"model": "m", "messages": [1], "max_tokens": 0}""", null, "max_tokens")]
    [InlineData("""{"model": "m", "messages": [1], "max_tokens": 1.5}""", null, "max_tokens")]
    [InlineData("""{"model": "m", "messages": [1], "max_completion_tokens": "9"}""", null, "max_tokens")]
    [InlineData("""{"model": "m", "messages": [1], "max_tokens": 99999999999}""", null, "max_tokens")]
    public async Task A_malformed_body_is_refused_with_the_field_at_fault(string body, string? code, string? param)
    {
        var error = await Refused(body);

        Assert.Equal(StatusCodes.Status400BadRequest, error.Status);
        Assert.Equal(code, error.Code);
        Assert.Equal(param, error.Param);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }
}
