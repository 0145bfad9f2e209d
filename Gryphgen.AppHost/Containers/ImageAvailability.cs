using Gryphgen.Contracts.Containers;

namespace Gryphgen.AppHost.Containers;

/// <summary>
/// Whether every image a containers-mode run starts is on this host, pulling those that are not. Checked before
/// anything starts: Aspire's orchestrator waits silently, for ever, for a pull that cannot succeed (a host that
/// reaches no registry), and a run would sit with its infrastructure "starting".
/// </summary>
public static class ImageAvailability
{
    private static readonly TimeSpan InspectTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PullTimeout = TimeSpan.FromMinutes(30);

    /// <summary>One line for each image that is neither here nor to be pulled, naming its key and what to do.</summary>
    public static IReadOnlyList<string> Problems(ContainerRuntime runtime, IEnumerable<(string Key, ContainerImageName Image)> images)
    {
        var problems = new List<string>();
        foreach (var (key, image) in images)
        {
            if (runtime.Execute(["image", "inspect", "--format", "{{.Id}}", image.ToString()], InspectTimeout) is { ExitCode: 0 }) continue;
            Console.Error.WriteLine($"GRYPHGEN: {runtime.Name} pulls {image} ({key}) for containers mode");
            var pull = runtime.Execute(["pull", image.ToString()], PullTimeout);
            if (pull is { ExitCode: 0 }) continue;
            problems.Add($"{key}: '{image}' is not on this host and {runtime.Name} could not pull it " +
                         $"({pull?.Complaint ?? $"no answer within {PullTimeout.TotalMinutes} minutes"}); build local images with " +
                         "scripts/setup.sh --containers and point the key at them, or set Gryphgen:Infrastructure to local");
        }
        return problems;
    }
}
