using Gryphgen.AppHost.Configuration;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Containers;

namespace Gryphgen.AppHost.Containers;

/// <summary>
/// Containers mode, and what the deployment manifest describes: PostgreSQL with pgvector, Redis, and a llama.cpp
/// server per model, each from its <see cref="ImageSettings"/> image; data in volumes, a model file bind-mounted read-only.
/// </summary>
public static class ContainerInfrastructure
{
    private const int LlamaPort = 8080;
    private const string ModelFolder = "/models";

    public static GryphgenInfrastructure Add(IDistributedApplicationBuilder builder, GryphgenSettings settings, ContainerRuntime runtime)
    {
        var postgres = AddPostgres(builder, settings);
        var database = postgres.AddDatabase(ConnectionNames.Database);
        var redis = builder.AddRedis(ConnectionNames.Redis).WithImageFrom(settings.Images.RedisImage);

        // A deployment always carries the first llama.cpp server (its model asked for at deploy time when none is
        // configured); a run starts one per configured model.
        var servers = settings.Llm.LlamaServers.ToList();
        if (!settings.Llm.HasModel && builder.ExecutionContext.IsPublishMode) servers.Insert(0, (ExternalEndpointSettings.LocalName, settings.Llm));
        var image = settings.Images.LlamaImage(settings.Llm.Gpu);
        var llamas = servers.Select(server => AddLlamaServer(builder, server.Name, server.Server, settings.Llm.Gpu, image, runtime)).ToList();
        return new GryphgenInfrastructure(database, redis, llamas);
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

    private static LlamaServer AddLlamaServer(IDistributedApplicationBuilder builder, string name, LlamaServerSettings server, bool gpu,
        ContainerImageName image, ContainerRuntime runtime)
    {
        var llama = builder.AddContainer(LlamaServer.ResourceName(name), image.Repository).WithImageFrom(image)
            .WithHttpEndpoint(targetPort: LlamaPort, name: "http")
            .WithHttpHealthCheck("/health")
            .WithArgs("--host", "0.0.0.0", "--port", LlamaPort.ToString());

        if (!server.HasModel)
        {
            // Deployed without a configured model: the Hugging Face reference is asked for at deploy time.
            var model = builder.AddParameter("llama-model");
            llama.WithArgs(context => { context.Args.Add("-hf"); context.Args.Add(model.Resource); });
        }
        else if (server.IsHuggingFaceModel)
        {
            llama.WithArgs(LlamaServerArguments.Model(server, ""));
        }
        else
        {
            var file = new FileInfo(server.ModelPath);
            llama.WithBindMount(file.DirectoryName!, ModelFolder, isReadOnly: true)
                .WithArgs(LlamaServerArguments.Model(server, $"{ModelFolder}/{file.Name}"));
        }
        llama.WithArgs(LlamaServerArguments.Serving(server, gpu));

        if (gpu) llama.WithContainerRuntimeArgs(GpuArguments(runtime));
        return new LlamaServer(name, server, llama.GetEndpoint("http"));
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
