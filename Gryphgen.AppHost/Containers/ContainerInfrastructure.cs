using Gryphgen.AppHost.Configuration;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Containers;

namespace Gryphgen.AppHost.Containers;

/// <summary>
/// Containers mode, and what the deployment manifest describes: PostgreSQL with pgvector, Redis, and llama.cpp's
/// server, each from its <see cref="ImageSettings"/> image; data in volumes, a model file bind-mounted read-only.
/// </summary>
public static class ContainerInfrastructure
{
    private const int LlamaPort = 8080;
    private const string ModelFolder = "/models";

    public static GryphgenInfrastructure Add(IDistributedApplicationBuilder builder, GryphgenSettings settings, ContainerRuntime runtime)
    {
        var postgres = AddPostgres(builder, settings);
        var database = postgres.AddDatabase(GryphgenInfrastructure.DatabaseName);
        var redis = builder.AddRedis("redis").WithImageFrom(settings.Images.RedisImage);

        // A deployment always carries the llama.cpp server; run mode only when a model is configured.
        var llm = settings.Llm.HasModel || builder.ExecutionContext.IsPublishMode
            ? AddLlamaServer(builder, settings.Llm, settings.Images.LlamaImage(settings.Llm.Gpu), runtime)
            : null;
        return new GryphgenInfrastructure(database, redis, llm);
    }

    /// <summary>
    /// Run here, the cluster belongs to the state folder as in local mode: its volume is named after the folder and
    /// its password kept in it, so a run finds its data again and another state folder starts clean. A deployment
    /// keeps Aspire's volume and generated password parameter.
    /// </summary>
    private static IResourceBuilder<PostgresServerResource> AddPostgres(IDistributedApplicationBuilder builder, GryphgenSettings settings)
    {
        if (!builder.ExecutionContext.IsRunMode || OperatingSystem.IsWindows())
            return builder.AddPostgres("postgres").WithImageFrom(settings.Images.PostgresImage).WithDataVolume();
        var state = Directory.CreateDirectory(settings.StateDirectory).FullName;
        var password = StateSecrets.GetOrCreate(state, "postgres-password");
        return builder.AddPostgres("postgres", password: builder.CreateResourceBuilder(StateSecrets.AsParameter(builder, "postgres-password", password)))
            .WithImageFrom(settings.Images.PostgresImage).WithDataVolume(StateFolder.PostgresVolume(state));
    }

    private static LlamaServer AddLlamaServer(IDistributedApplicationBuilder builder, LlmSettings llm, ContainerImageName image, ContainerRuntime runtime)
    {
        var llama = builder.AddContainer("llama", image.Repository).WithImageFrom(image)
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

        if (llm.Gpu) llama.WithContainerRuntimeArgs(GpuArguments(runtime));
        return new LlamaServer(llama, llama.GetEndpoint("http"));
    }

    /// <summary>
    /// Every GPU into the container: docker's <c>--gpus</c> (the NVIDIA container toolkit's runtime hook); podman has
    /// no such flag and takes the toolkit's CDI device instead (<c>nvidia-ctk cdi generate</c> on the host).
    /// </summary>
    public static string[] GpuArguments(ContainerRuntime runtime) =>
        runtime.IsPodman ? ["--device", "nvidia.com/gpu=all"] : ["--gpus", "all"];

    /// <summary>The image by its parts; a digest, when given, is what the runtime is asked for (the tag is then a label).</summary>
    private static IResourceBuilder<T> WithImageFrom<T>(this IResourceBuilder<T> resource, ContainerImageName image) where T : ContainerResource
    {
        resource.WithImageRegistry(image.Registry).WithImage(image.Repository, image.Tag ?? "latest");
        return image.Digest is null ? resource : resource.WithImageSHA256(image.Digest);
    }
}
