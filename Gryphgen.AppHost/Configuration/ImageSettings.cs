using System.Diagnostics.CodeAnalysis;
using Gryphgen.Contracts.Containers;

namespace Gryphgen.AppHost.Configuration;

/// <summary>
/// The infrastructure's images in containers mode (<c>Gryphgen:Images:*</c>). The defaults are the public images
/// production pulls; <c>scripts/setup.sh --containers</c> builds local ones (<c>localhost/gryphgen-*</c>) for hosts
/// that reach no registry. Stricter than any image reference: the registry is always named (podman resolves a short
/// name through its own search list, docker through Docker Hub, so one setting would pull different images) and a tag
/// or digest always given (never an implicit latest).
/// </summary>
public sealed class ImageSettings
{
    public const string Section = "Gryphgen:Images";

    private const string Rule = "must be REGISTRY/REPOSITORY:TAG or REGISTRY/REPOSITORY[:TAG]@sha256:DIGEST, " +
                                "e.g. docker.io/library/redis:8.6 or localhost/gryphgen-redis:7";

    /// <summary>PostgreSQL with pgvector; the image must initialise its cluster from POSTGRES_USER/POSTGRES_PASSWORD as the official one does.</summary>
    public string Postgres { get; set; } = "docker.io/pgvector/pgvector:pg17";

    public string Redis { get; set; } = "docker.io/library/redis:8.6";

    /// <summary>llama.cpp's server for CPUs.</summary>
    public string Llama { get; set; } = "ghcr.io/ggml-org/llama.cpp:server";

    /// <summary>llama.cpp's server built with CUDA, used when <c>Gryphgen:Llm:Gpu</c> is true.</summary>
    public string LlamaCuda { get; set; } = "ghcr.io/ggml-org/llama.cpp:server-cuda";

    private IEnumerable<(string Key, string Value)> All =>
        [(nameof(Postgres), Postgres), (nameof(Redis), Redis), (nameof(Llama), Llama), (nameof(LlamaCuda), LlamaCuda)];

    /// <summary>
    /// The images a run in containers mode starts, each with its key: PostgreSQL, Redis, and the llama.cpp server
    /// (its CUDA build with <paramref name="gpu"/>) when <paramref name="llama"/> is set.
    /// </summary>
    public IEnumerable<(string Key, ContainerImageName Image)> Needed(bool llama, bool gpu) =>
        All.Where(image => image.Key is nameof(Postgres) or nameof(Redis)
                           || (llama && image.Key == (gpu ? nameof(LlamaCuda) : nameof(Llama))))
            .Select(image => ($"{Section}:{image.Key}", Parsed(image.Value)));

    public ContainerImageName PostgresImage => Parsed(Postgres);

    public ContainerImageName RedisImage => Parsed(Redis);

    public ContainerImageName LlamaImage(bool gpu) => Parsed(gpu ? LlamaCuda : Llama);

    public IEnumerable<string> Validate() => All.Where(image => !TryParse(image.Value, out _))
        .Select(image => $"{Section}:{image.Key} '{image.Value}' {Rule}");

    private static bool TryParse(string value, [NotNullWhen(true)] out ContainerImageName? image) =>
        ContainerImageNames.TryParse(value, out image) && image.Registry is not null && (image.Tag ?? image.Digest) is not null;

    /// <summary>Only called after <see cref="Validate"/> accepted every image.</summary>
    private static ContainerImageName Parsed(string value) =>
        TryParse(value, out var image) ? image : throw new InvalidOperationException($"'{value}' was not validated");
}
