namespace Gryphgen.Symorq.Grid;

/// <summary>A slot this replica holds in the <see cref="SharedSlotLedger"/>: its endpoint, its member of the endpoint's set, when it was claimed.</summary>
public sealed record SharedSlot(string Endpoint, string Member, long ClaimedAt);
