namespace Gryphgen.Symorq.Grid;

/// <summary>What the scheduler needs to know of a request to place it.</summary>
/// <param name="Model">The model id or alias asked for.</param>
/// <param name="Priority">0 (least urgent) to 9.</param>
/// <param name="MaxTokens">Tokens the request may generate (its cost on an endpoint).</param>
/// <param name="PromptTokens">An estimate of the prompt's length (for the context fit).</param>
/// <param name="ArrivedAt">When the caller first asked; kept across fail-overs so aging counts all the wait.</param>
/// <param name="Excluded">Endpoints that already failed this request.</param>
public sealed record GridRequest(string Model, int Priority, int MaxTokens, int PromptTokens, DateTimeOffset ArrivedAt,
    IReadOnlySet<string> Excluded);
