using System.Collections.Concurrent;
using System.IO.Compression;
using Gryphgen.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gryphgen.EndToEnd.Tests;

/// <summary>
/// An OTLP/HTTP receiver the services export their spans, structured logs and metrics to, keeping every request body
/// as sent (protobuf, un-gzipped): strings travel in protobuf as their UTF-8 bytes, so a secret in any attribute,
/// log body or event shows up in a byte search without decoding the schema.
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpCollector(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Each export received, by signal (<c>traces</c>, <c>logs</c>, <c>metrics</c>).</summary>
    public ConcurrentQueue<(string Signal, byte[] Body)> Exports { get; } = new();

    public static async Task<OtlpCollector> StartAsync()
    {
        var builder = LoopbackWebApp.CreateBuilder(out var url);
        var app = builder.Build();
        var collector = new OtlpCollector(app, url);
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            await using var body = request.Headers.ContentEncoding == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
            using var copy = new MemoryStream();
            await body.CopyToAsync(copy);
            collector.Exports.Enqueue((signal, copy.ToArray()));
            // An empty Export*ServiceResponse: full success.
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        return collector;
    }

    public bool Received(string signal, ReadOnlySpan<byte> bytes)
    {
        foreach (var (s, body) in Exports)
            if (s == signal && body.AsSpan().IndexOf(bytes) >= 0) return true;
        return false;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
