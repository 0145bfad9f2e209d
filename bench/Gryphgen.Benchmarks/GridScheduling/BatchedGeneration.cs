namespace Gryphgen.Benchmarks.GridScheduling;

/// <summary>
/// The requests generating on one simulated endpoint at once, sharing its decode as a batch: whenever one starts
/// or finishes, every running request's speed changes to <see cref="SimulatedEndpoint.PerSlotSpeed"/> of the new
/// count, and the next completion is planned again.
/// </summary>
public sealed class BatchedGeneration(SimulatedEndpoint endpoint, VirtualTime time)
{
    private sealed class Running(double tokens)
    {
        public double Remaining { get; set; } = tokens;
        public TaskCompletionSource Done { get; } = new();
    }

    private readonly List<Running> _running = [];
    private double _since;
    private long _plan;

    /// <summary>Completes when <paramref name="tokens"/> are generated, at whatever speed the batch allows meanwhile.</summary>
    public Task GenerateAsync(int tokens)
    {
        Advance();
        var running = new Running(tokens);
        _running.Add(running);
        Plan();
        return running.Done.Task;
    }

    private double Speed => endpoint.PerSlotSpeed(_running.Count);

    private void Advance()
    {
        if (_running.Count > 0)
        {
            var generated = (time.Now - _since) * Speed;
            foreach (var running in _running) running.Remaining -= generated;
        }
        _since = time.Now;
    }

    /// <summary>An event at the next completion; a later change of the batch makes it stale (its plan number is old).</summary>
    private void Plan()
    {
        var plan = ++_plan;
        if (_running.Count == 0) return;
        var next = Math.Max(_running.Min(r => r.Remaining), 0) / Speed;
        time.At(time.Now + next, () =>
        {
            if (plan != _plan) return;
            Advance();
            foreach (var done in _running.Where(r => r.Remaining <= 1e-6).ToList())
            {
                _running.Remove(done);
                done.Done.SetResult();
            }
            Plan();
        });
    }
}
