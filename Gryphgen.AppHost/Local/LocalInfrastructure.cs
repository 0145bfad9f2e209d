using System.Runtime.Versioning;
using Gryphgen.AppHost.Configuration;
using Gryphgen.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gryphgen.AppHost.Local;

/// <summary>
/// Local mode: PostgreSQL with pgvector, redis-server and llama-server as executables the orchestrator starts,
/// stops and health-checks, with their data under the state folder. A missing program stops the AppHost at once
/// with the command that installs it, instead of a resource that waits forever.
/// </summary>
[UnsupportedOSPlatform("windows")]
public static class LocalInfrastructure
{
    public const string SetupHint = "run scripts/setup.sh to install what local mode needs";

    public static GryphgenInfrastructure Add(IDistributedApplicationBuilder builder, GryphgenSettings settings)
    {
        var tools = settings.Local;
        var redisServer = FindProgram(tools.RedisServer);
        var llamaServer = FindProgram(tools.LlamaServer);
        var problems = MissingPrograms(tools, redisServer, llamaServer, settings.Llm).ToList();
        if (problems.Count > 0) throw new GryphgenConfigurationException(problems);

        var state = Directory.CreateDirectory(settings.StateDirectory).FullName;
        var cluster = new LocalPostgresCluster(tools.PostgresBin, state);
        return new GryphgenInfrastructure(
            AddPostgres(builder, cluster, state),
            AddRedis(builder, redisServer!, state),
            [.. settings.Llm.LlamaServers.Select(server => AddLlamaServer(builder, llamaServer!, server.Name, server.Server, settings.Llm.Gpu, state))],
            cluster.DataDirectory);
    }

    private static IEnumerable<string> MissingPrograms(LocalToolSettings tools, string? redisServer, string? llamaServer, LlmSettings llm)
    {
        foreach (var program in new[] { "postgres", "initdb" }.Where(p => !File.Exists(Path.Combine(tools.PostgresBin, p))))
            yield return $"PostgreSQL's {program} was not found in {tools.PostgresBin} (Gryphgen:Local:PostgresBin); {SetupHint}";
        if (redisServer is null)
            yield return $"redis-server was not found ('{tools.RedisServer}', Gryphgen:Local:RedisServer); {SetupHint}";
        foreach (var (name, server) in llm.LlamaServers.Where(s => s.Server.IsHuggingFaceModel))
            yield return $"{LlmSettings.SectionOf(name)}:Model '{server.Model}': Hugging Face references need containers mode; in local mode give the path of a GGUF file";
        if (llm.LlamaServers.Any() && llamaServer is null)
            yield return $"llama-server was not found ('{tools.LlamaServer}', Gryphgen:Local:LlamaServer); {SetupHint}";
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddPostgres(IDistributedApplicationBuilder builder, LocalPostgresCluster cluster, string state)
    {
        var password = StateSecrets.GetOrCreate(state, "postgres-password");
        if (builder.ExecutionContext.IsRunMode) cluster.EnsureInitialized(password);

        var (command, prefix) = cluster.AsOwner("postgres");
        var postgres = new LocalPostgresResource("postgres", command, state,
            StateSecrets.AsParameter(builder, "postgres-password", password));
        return builder.AddResource(postgres)
            .WithEndpoint(name: LocalPostgresResource.EndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                foreach (var arg in prefix) context.Args.Add(arg);
                context.Args.Add("-D"); context.Args.Add(cluster.DataDirectory);
                context.Args.Add("-k"); context.Args.Add(cluster.SocketDirectory);
                context.Args.Add("-c"); context.Args.Add("listen_addresses=127.0.0.1");
                context.Args.Add("-p"); context.Args.Add(postgres.Endpoint.Property(EndpointProperty.TargetPort));
            })
            .WithReadinessCheck(builder, "postgres-ready", () => new LocalPostgresReadyCheck(postgres));
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddRedis(IDistributedApplicationBuilder builder, string program, string state)
    {
        var secret = StateSecrets.GetOrCreate(state, "redis-password");
        // The password goes in a config file of mode 600, not on the command line, where every local user reads it
        // in /proc/PID/cmdline and ps. The config file must be redis-server's first argument.
        var config = StateSecrets.Write(state, LocalRedisResource.ConfigFileName, $"requirepass {secret}\n");
        var redis = new LocalRedisResource(ConnectionNames.Redis, program, state, StateSecrets.AsParameter(builder, "redis-password", secret));
        return builder.AddResource(redis)
            .WithEndpoint(name: LocalRedisResource.EndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                context.Args.Add(config);
                context.Args.Add("--port"); context.Args.Add(redis.Endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--bind"); context.Args.Add("127.0.0.1");
                context.Args.Add("--save"); context.Args.Add("");
                context.Args.Add("--appendonly"); context.Args.Add("no");
            })
            .WithReadinessCheck(builder, "redis-ready", () => new LocalRedisReadyCheck(redis));
    }

    private static LlamaServer AddLlamaServer(IDistributedApplicationBuilder builder, string program, string name, LlamaServerSettings server, bool gpu, string state)
    {
        var llama = builder.AddExecutable(LlamaServer.ResourceName(name), program, state)
            .WithHttpEndpoint(name: "http")
            .WithHttpHealthCheck("/health");
        var endpoint = llama.GetEndpoint("http");
        llama.WithArgs(context =>
        {
            context.Args.Add("--host"); context.Args.Add("127.0.0.1");
            context.Args.Add("--port"); context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
            foreach (var arg in LlamaServerArguments.Model(server, server.ModelPath).Concat(LlamaServerArguments.Serving(server, gpu)))
                context.Args.Add(arg);
        });
        return new LlamaServer(name, server, endpoint);
    }

    /// <summary>A program given as a path, or as a name looked up on PATH; null when it is not there.</summary>
    private static string? FindProgram(string nameOrPath)
    {
        if (nameOrPath.Contains('/') || nameOrPath.StartsWith('~'))
        {
            var path = Paths.Expand(nameOrPath);
            return File.Exists(path) ? path : null;
        }
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, nameOrPath)).FirstOrDefault(File.Exists);
    }

    private static IResourceBuilder<T> WithReadinessCheck<T>(this IResourceBuilder<T> resource,
        IDistributedApplicationBuilder builder, string key, Func<IHealthCheck> check) where T : IResource
    {
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => check(), HealthStatus.Unhealthy, tags: null));
        return resource.WithHealthCheck(key);
    }
}
