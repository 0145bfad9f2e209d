namespace Gryphgen.Symorq.Grid.Endpoints;

/// <summary>
/// One rule an endpoint breaks (<see cref="EndpointValidation"/>): the setting it concerns, named as the Grid API and
/// as configuration name it, and what is wrong with it.
/// </summary>
/// <param name="Field">The setting's key under the endpoint's, e.g. <c>Url</c>.</param>
/// <param name="Subject">The setting as the Grid API and the CLI call it, e.g. <c>url</c>.</param>
/// <param name="Text">What is wrong, e.g. <c>'ftp://x' must be an http(s) URL ...</c>.</param>
public sealed record EndpointProblem(string Field, string Subject, string Text)
{
    /// <summary>As the Grid API answers it: <c>url 'ftp://x' must be ...</c>.</summary>
    public override string ToString() => $"{Subject} {Text}";

    /// <summary>As the configured endpoint at <paramref name="endpointKey"/> breaks it: <c>Gryphgen:Llm:Endpoints:0:Url 'ftp://x' must be ...</c>.</summary>
    public string At(string endpointKey) => $"{endpointKey}:{Field} {Text}";
}
