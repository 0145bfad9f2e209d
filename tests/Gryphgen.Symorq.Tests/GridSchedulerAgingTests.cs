using Gryphgen.Contracts.Llm;
using Gryphgen.Symorq.Grid;
using Gryphgen.Symorq.Grid.Endpoints;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gryphgen.Symorq.Tests;

/// <summary>
/// The scheduler's aging on a virtual clock: a waiting request gains a level after
/// <see cref="GridOptions.AgingPerPriorityLevel"/> and another each time its wait doubles, so a long wait does not
/// put low priority ahead of urgent work, yet low priority still overtakes newcomers in the end.
/// </summary>
public sealed class GridSchedulerAgingTests
{
    private static readonly TimeSpan Aging = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _clock = new();
    private readonly GridScheduler _scheduler;

    public GridSchedulerAgingTests()
    {
        var options = Options.Create(new GridOptions
        {
            AgingPerPriorityLevel = Aging,
            Endpoints = [new LlmEndpointOptions { Name = "solo", Url = "http://solo.invalid/", Models = ["m"], Slots = 1 }],
        });
        _scheduler = new GridScheduler(new EndpointRegistry(options, _clock), options);
    }

    private Task<SlotLease> Request(int priority) => _scheduler.AcquireAsync(
        new GridRequest("m", priority, MaxTokens: 16, PromptTokens: 16, _clock.GetUtcNow(), new HashSet<string>()), CancellationToken.None);

    /// <summary>Frees the only slot, and returns which of the two waiting requests took it.</summary>
    private static async Task<string> NextServed(SlotLease running, Task<SlotLease> low, Task<SlotLease> high)
    {
        running.Dispose();
        var served = await Task.WhenAny(low, high).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False((served == low ? high : low).IsCompleted); // one slot: the other still waits
        return served == low ? "low" : "high";
    }

    [Fact]
    public async Task A_low_request_that_waited_a_minute_still_yields_to_a_new_high_one()
    {
        var running = await Request(GridPriority.Normal);
        var low = Request(GridPriority.Low);
        _clock.Advance(TimeSpan.FromMinutes(1)); // twelve intervals: log2(13) ≈ 3.7 levels, not the six between low and high
        var high = Request(GridPriority.High);

        Assert.Equal("high", await NextServed(running, low, high));
    }

    [Fact]
    public async Task A_low_request_overtakes_a_new_high_one_once_its_wait_doubled_six_times()
    {
        var running = await Request(GridPriority.Normal);
        var low = Request(GridPriority.Low);
        _clock.Advance(64 * Aging); // 1 + 64 intervals: more than six doublings
        var high = Request(GridPriority.High);

        Assert.Equal("low", await NextServed(running, low, high));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(5, 1)]
    [InlineData(15, 2)]
    [InlineData(35, 3)]
    public void A_request_gains_a_level_after_the_aging_interval_and_another_each_time_its_wait_doubles(int waitedSeconds, int levels) =>
        Assert.Equal(GridPriority.Low + levels, _scheduler.EffectivePriority(GridPriority.Low, TimeSpan.FromSeconds(waitedSeconds)), precision: 9);
}
