using Gryphgen.AppHost.Containers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gryphgen.EndToEnd.Tests;

/// <summary>
/// The llama.cpp container as the AppHost describes it for a deployment: the CPU image with the model file mounted
/// read-only, or with <c>Gryphgen:Llm:Gpu</c> the CUDA image, every layer on the GPU, and the GPUs handed over as the
/// runtime takes them, for every llama-server configured. There is no GPU here to run it on, so the test reads the
/// container's description.
/// </summary>
public sealed class LlamaContainerTests
{
    private const string HuggingFaceModel = "hf:Qwen/Qwen2.5-Coder-7B-Instruct-GGUF:Q4_K_M";

    [Theory]
    [InlineData(ContainerRuntime.Docker, new[] { "--gpus", "all" })]
    [InlineData(ContainerRuntime.Podman, new[] { "--device", "nvidia.com/gpu=all" })]
    public async Task The_gpu_container_is_the_cuda_image_with_all_layers_offloaded_and_the_gpus_given_as_the_runtime_takes_them(
        string runtime, string[] gpuArguments)
    {
        var llama = await LlamaAsync(runtime, "--Gryphgen:Llm:Gpu=true", $"--Gryphgen:Llm:Model={HuggingFaceModel}");

        Assert.True(llama.TryGetContainerImageName(out var image));
        Assert.Equal("ghcr.io/ggml-org/llama.cpp:server-cuda", image);
        Assert.Equal(gpuArguments, await RuntimeArgumentsAsync(llama));
        var arguments = await ArgumentsAsync(llama);
        Assert.Equal("999", After(arguments, "--n-gpu-layers"));
        Assert.Equal(HuggingFaceModel["hf:".Length..], After(arguments, "-hf"));
    }

    [Fact]
    public async Task The_cpu_container_is_the_configured_image_with_the_model_file_mounted_read_only_and_no_gpu()
    {
        var model = Path.Combine(Directory.CreateTempSubdirectory("gryphgen-models-").FullName, "coder.gguf");
        await File.WriteAllTextAsync(model, "");
        var llama = await LlamaAsync(ContainerRuntime.Podman, $"--Gryphgen:Llm:Model={model}", "--Gryphgen:Images:Llama=registry.example:5000/llama.cpp:b6000");

        Assert.True(llama.TryGetContainerImageName(out var image));
        Assert.Equal("registry.example:5000/llama.cpp:b6000", image);
        Assert.Empty(await RuntimeArgumentsAsync(llama));
        var arguments = await ArgumentsAsync(llama);
        Assert.DoesNotContain("--n-gpu-layers", arguments);
        Assert.Equal("/models/coder.gguf", After(arguments, "-m"));
        var mount = Assert.Single(llama.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal((Path.GetDirectoryName(model), "/models", true), (mount.Source, mount.Target, mount.IsReadOnly));
    }

    [Fact]
    public async Task A_further_server_is_a_container_of_its_own_with_its_model_mounted_and_its_slots_and_the_gpus_too()
    {
        var embed = Path.Combine(Directory.CreateTempSubdirectory("gryphgen-models-").FullName, "embed.gguf");
        await File.WriteAllTextAsync(embed, "");
        string[] settings = ["--Gryphgen:Llm:Gpu=true", $"--Gryphgen:Llm:Model={HuggingFaceModel}",
            $"--Gryphgen:Llm:Servers:embed:Model={embed}", "--Gryphgen:Llm:Servers:embed:Parallel=2", "--Gryphgen:Llm:Servers:embed:ContextSize=4096"];
        var llama = await ContainerAsync(ContainerRuntime.Podman, "llama-embed", settings);

        Assert.True(llama.TryGetContainerImageName(out var image));
        Assert.Equal("ghcr.io/ggml-org/llama.cpp:server-cuda", image);
        Assert.Equal(["--device", "nvidia.com/gpu=all"], await RuntimeArgumentsAsync(llama));
        var arguments = await ArgumentsAsync(llama);
        Assert.Equal(("/models/embed.gguf", "2", "4096", "999"),
            (After(arguments, "-m"), After(arguments, "--parallel"), After(arguments, "--ctx-size"), After(arguments, "--n-gpu-layers")));
        Assert.DoesNotContain("-hf", arguments);
        var mount = Assert.Single(llama.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal((Path.GetDirectoryName(embed), "/models", true), (mount.Source, mount.Target, mount.IsReadOnly));
    }

    [Fact]
    public async Task An_image_pinned_by_digest_is_started_by_its_digest()
    {
        var digest = new string('a', 64);
        var llama = await LlamaAsync(ContainerRuntime.Podman, $"--Gryphgen:Images:Llama=ghcr.io/ggml-org/llama.cpp:server@sha256:{digest}");

        Assert.True(llama.TryGetContainerImageName(out var image));
        Assert.Equal($"ghcr.io/ggml-org/llama.cpp@sha256:{digest}", image);
    }

    /// <summary>The llama container of the AppHost's deployment model, built (not run) with <paramref name="settings"/>.</summary>
    private static Task<ContainerResource> LlamaAsync(string runtime, params string[] settings) => ContainerAsync(runtime, "llama", settings);

    private static async Task<ContainerResource> ContainerAsync(string runtime, string name, params string[] settings)
    {
        var output = Directory.CreateTempSubdirectory("gryphgen-publish-").FullName;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Gryphgen_AppHost>(
            ["--publisher", "manifest", "--output-path", output, $"--{ContainerRuntime.ConfigurationKey}={runtime}", .. settings]);
        var app = await builder.BuildAsync();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        return (ContainerResource)model.Resources.Single(r => r.Name == name);
    }

    /// <summary>The container's arguments, evaluated as a deployment evaluates them.</summary>
    private static async Task<IReadOnlyList<string>> ArgumentsAsync(ContainerResource container)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(container).WithArgumentsConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), NullLogger.Instance, CancellationToken.None);
        return [.. configuration.Arguments.Select(a => a.Value)];
    }

    private static async Task<IReadOnlyList<string>> RuntimeArgumentsAsync(ContainerResource container)
    {
        var arguments = new List<object>();
        foreach (var callback in container.Annotations.OfType<ContainerRuntimeArgsCallbackAnnotation>())
            await callback.Callback(new ContainerRuntimeArgsCallbackContext(arguments));
        return [.. arguments.Select(a => a.ToString()!)];
    }

    private static string After(IReadOnlyList<string> arguments, string flag) => arguments[arguments.ToList().IndexOf(flag) + 1];
}
