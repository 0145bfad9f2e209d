namespace Gryphgen.Symorq.Data;

/// <summary>An endpoint added to the grid at run time (configured ones live in configuration, not here).</summary>
public sealed class EndpointRecord
{
    public required string Name { get; set; }

    public required string Url { get; set; }

    public required string Kind { get; set; }

    /// <summary>
    /// The key the endpoint expects, protected with Data Protection (<see cref="Grid.KeyProtection.EndpointKeyProtection"/>);
    /// never stored in plain text, listed or logged.
    /// </summary>
    public string? ProtectedApiKey { get; set; }

    public List<string> Models { get; set; } = [];

    public double Weight { get; set; } = 1;

    public int? Slots { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
