using Gryphgen.Contracts.Llm;
using Gryphgen.Contracts.Network;
using Gryphgen.Symorq.Grid.Gateway;

namespace Gryphgen.Symorq.Grid.Endpoints;

/// <summary>
/// The rules an endpoint must meet, whether added at run time or configured (<see cref="ConfiguredEndpointsValidation"/>);
/// each broken rule is one readable <see cref="EndpointProblem"/>.
/// </summary>
public static class EndpointValidation
{
    private static readonly TimeSpan MinTimeout = TimeSpan.Parse(GatewayOptions.MinTimeout), MaxTimeout = TimeSpan.Parse(GatewayOptions.MaxTimeout);

    public static IEnumerable<EndpointProblem> Problems(LlmEndpointOptions endpoint, UpstreamAddresses addresses)
    {
        if (LlmEndpointShape.NameProblem(endpoint.Name) is { } name)
            yield return new(nameof(endpoint.Name), "name", name);
        if (!LlmEndpointShape.TryUrl(endpoint.Url, out var url, out var urlProblem))
            yield return new(nameof(endpoint.Url), "url", urlProblem);
        else if (addresses.Refusal(url) is { } refusal)
            yield return new(nameof(endpoint.Url), "url", $"'{endpoint.Url}': {refusal}");
        if (LlmEndpointShape.KindProblem(endpoint.Kind) is { } kind)
            yield return new(nameof(endpoint.Kind), "kind", kind);
        foreach (var alias in LlmEndpointShape.AliasProblems(endpoint.Models))
            yield return new(nameof(endpoint.Models), "model alias", alias);
        if (endpoint.Weight is <= 0 or > 100 || double.IsNaN(endpoint.Weight))
            yield return new(nameof(endpoint.Weight), "weight", $"{endpoint.Weight} must be above 0 and at most 100");
        if (endpoint.Slots is < 1 or > 1024)
            yield return new(nameof(endpoint.Slots), "slots", $"{endpoint.Slots} must be between 1 and 1024");
        if (OutOfRange(endpoint.FirstByteTimeout) is { } firstByte)
            yield return new(nameof(endpoint.FirstByteTimeout), "first-byte timeout", firstByte);
        if (OutOfRange(endpoint.StreamIdleTimeout) is { } idle)
            yield return new(nameof(endpoint.StreamIdleTimeout), "stream idle timeout", idle);
        if (endpoint.ApiKey is { } key && (key.Length > 4096 || key.Any(char.IsControl)))
            yield return new(nameof(endpoint.ApiKey), "the API key", "must be at most 4096 characters without control characters");
    }

    private static string? OutOfRange(TimeSpan? timeout) => timeout is { } t && (t < MinTimeout || t > MaxTimeout)
        ? $"{t} must be between {GatewayOptions.MinTimeout} and {GatewayOptions.MaxTimeout}"
        : null;
}
