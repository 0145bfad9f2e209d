using Gryphgen.AppHost.Configuration;

namespace Gryphgen.AppHost.Containers;

/// <summary>
/// Containers mode, and what the deployment manifest describes: PostgreSQL from the pgvector image, Redis, and
/// llama.cpp's server image (the CUDA one with <c>--gpus all</c> when <see cref="LlmSettings.Gpu"/> is set).
/// </summary>
public static class ContainerInfrastructure
{
    public const string LlamaImage = "ghcr.io/ggml-org/llama.cpp";
    private const int LlamaPort = 8080;
    private const string ModelFolder = "/models";

    public static GryphgenInfrastructure Add(IDistributedApplicationBuilder builder, GryphgenSettings settings)
    {
        var postgres = builder.AddPostgres("postgres")
            .WithImage("pgvector/pgvector", "pg17")
            .WithDataVolume();
        var database = postgres.AddDatabase(GryphgenInfrastructure.DatabaseName);
        var redis = builder.AddRedis("redis");

        // A deployment always carries the llama.cpp server; run mode only when a model is configured.
        var llm = settings.Llm.HasModel || builder.ExecutionContext.IsPublishMode ? AddLlamaServer(builder, settings.Llm) : null;
        return new GryphgenInfrastructure(database, redis, llm);
    }

    private static LlamaServer AddLlamaServer(IDistributedApplicationBuilder builder, LlmSettings llm)
    {
        var llama = builder.AddContainer("llama", LlamaImage, llm.Gpu ? "server-cuda" : "server")
            .WithHttpEndpoint(targetPort: LlamaPort, name: "http")
            .WithHttpHealthCheck("/health")
            .WithArgs("--host", "0.0.0.0", "--port", LlamaPort.ToString());

        if (!llm.HasModel)
        {
            // Deployed without a configured model: the Hugging Face reference is asked for at deploy time.
            var model = builder.AddParameter("llama-model");
            llama.WithArgs(context => { context.Args.Add("-hf"); context.Args.Add(model.Resource); });
        }
        else if (llm.IsHuggingFaceModel)
        {
            llama.WithArgs(LlamaServerArguments.Model(llm, ""));
        }
        else
        {
            var file = new FileInfo(llm.ModelPath);
            llama.WithBindMount(file.DirectoryName!, ModelFolder, isReadOnly: true)
                .WithArgs(LlamaServerArguments.Model(llm, $"{ModelFolder}/{file.Name}"));
        }
        llama.WithArgs(LlamaServerArguments.Serving(llm));

        if (llm.Gpu) llama.WithContainerRuntimeArgs("--gpus", "all");
        return new LlamaServer(llama, llama.GetEndpoint("http"));
    }
}
