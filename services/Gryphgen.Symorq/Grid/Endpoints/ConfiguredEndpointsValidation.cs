using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Grid.Endpoints;

/// <summary>
/// The configured endpoints (<c>Gryphgen:Llm:Endpoints</c>) meet the rules of one added at run time
/// (<see cref="EndpointValidation"/>), checked at start: a bad one stops SYMORQ with its key named, rather than leave
/// the grid without it and the reason only in a probe's detail.
/// </summary>
public sealed class ConfiguredEndpointsValidation : IValidateOptions<GridOptions>
{
    public ValidateOptionsResult Validate(string? name, GridOptions options)
    {
        var addresses = options.UpstreamAddresses();
        var problems = options.Endpoints
            .SelectMany((endpoint, i) => EndpointValidation.Problems(endpoint, addresses)
                .Select(problem => problem.At($"{GridOptions.Section}:{nameof(options.Endpoints)}:{i}")))
            .ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
