using System.Text;
using System.Text.Json;

namespace Gryphgen.Symorq.Grid.Gateway;

/// <summary>An error in OpenAI's shape, so OpenAI clients surface it as they would OpenAI's own.</summary>
public sealed record OpenAiError(int Status, string Message, string Type, string? Param = null, string? Code = null)
{
    public static OpenAiError InvalidRequest(string message, string? param = null, string? code = null) =>
        new(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);

    public async Task WriteAsync(HttpResponse response)
    {
        response.StatusCode = Status;
        response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(response.Body, Body);
    }

    /// <summary>
    /// The error as the last event of a stream that fails once begun (<c>data: {"error": ...}</c>), as OpenAI sends
    /// it: its Python and Node SDKs raise it as an <c>APIError</c> with this message.
    /// </summary>
    public byte[] ToStreamEvent() => Encoding.UTF8.GetBytes($"data: {JsonSerializer.Serialize(Body)}\n\n");

    private object Body => new { error = new { message = Message, type = Type, param = Param, code = Code } };
}

/// <summary>Thrown while reading a request that cannot be served; the gateway writes <see cref="Error"/>.</summary>
public sealed class GatewayRejection(OpenAiError error) : Exception(error.Message)
{
    public OpenAiError Error { get; } = error;
}
