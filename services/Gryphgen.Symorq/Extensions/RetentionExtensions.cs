using Gryphgen.Symorq.Retention;

namespace Gryphgen.Symorq.Extensions;

/// <summary>How long finished tasks keep their workspaces, snapshots and artifacts, and the sweep that applies it.</summary>
public static class RetentionExtensions
{
    public static IServiceCollection AddRetention(this IServiceCollection services)
    {
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<RetainedTasks>();
        services.AddHostedService<RetentionSweep>();
        return services;
    }
}
