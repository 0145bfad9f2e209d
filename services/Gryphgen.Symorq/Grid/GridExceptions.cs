namespace Gryphgen.Symorq.Grid;

/// <summary>No endpoint of the grid knows the model or alias asked for.</summary>
public sealed class ModelNotServedException(string model, IEnumerable<string> known)
    : Exception($"The model '{model}' is not served by any endpoint of the grid; known models and aliases: {string.Join(", ", known)}");

/// <summary>Endpoints know the model, but none can take the request now (all down, or none with enough context).</summary>
public sealed class GridUnavailableException(string message) : Exception(message);

/// <summary>The request could never fit: it asks for more context than any endpoint serving the model has.</summary>
public sealed class ContextTooLongException(string message) : Exception(message);

/// <summary>The queue is full; the caller should come back after <see cref="RetryAfter"/>.</summary>
public sealed class GridQueueFullException(int limit, TimeSpan retryAfter)
    : Exception($"The grid's queue is full ({limit} requests waiting); retry after {Math.Ceiling(retryAfter.TotalSeconds)} s")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
