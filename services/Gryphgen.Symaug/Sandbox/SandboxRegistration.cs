using Microsoft.Extensions.Options;

namespace Gryphgen.Symaug.Sandbox;

/// <summary>The sandbox's services, with the one <see cref="ISandboxBackend"/> every run goes through.</summary>
public static class SandboxRegistration
{
    public static IServiceCollection AddSandbox(this IServiceCollection services)
    {
        services.AddOptions<SandboxOptions>().BindConfiguration(SandboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // Trusted helper operations (git restoring a checkpoint as the sandbox user) use bubblewrap whatever the
        // backend: they run host programs (git) on host folders, which a container image need not hold.
        services.AddSingleton<BubblewrapSandbox>();
        services.AddSingleton<SandboxOwner>();
        services.AddSingleton<SandboxUsers>();
        services.AddSingleton<RunCgroups>();
        services.AddSingleton<BubblewrapBackend>();
        services.AddSingleton<ContainerBackend>();
        services.AddSingleton(sp => SandboxChoice.Choose(sp.GetRequiredService<IOptions<SandboxOptions>>().Value,
            sp.GetRequiredService<BubblewrapBackend>(), sp.GetRequiredService<ContainerBackend>()));
        services.AddSingleton(sp => sp.GetRequiredService<SandboxChoice>().Backend);
        services.AddSingleton<SandboxedRunner>();
        services.AddSingleton<RunImages>();
        // Before the sweep: what the sweep kills and the runs after it use are this pool's uids, which no other SYMAUG may hand out.
        services.AddHostedService<SandboxPoolClaim>();
        services.AddHostedService<SandboxSweep>();
        return services;
    }
}
