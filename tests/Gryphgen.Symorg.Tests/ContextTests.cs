using Gryphgen.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.Tokenizers;

namespace Gryphgen.Symorg.Tests;

[Collection("symorg")]
public sealed class ContextTests(SymorgHost host) : IAsyncLifetime
{
    private const string Collection = "context";

    public Task InitializeAsync() => host.IngestSampleRepositoryAsync(Collection);

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(120)]
    [InlineData(400)]
    [InlineData(2000)]
    public async Task Context_stays_inside_its_token_budget_and_cites_every_chunk_it_packs(int budget)
    {
        var reply = await host.Knowledge.BuildContextAsync(new BuildContextRequest
        {
            Description = "Add validation of widget heights to the widget configuration parser",
            Requirements = { "reject a height that is not positive", "document the new rule in the guide" },
            Collections = { Collection }, TokenBudget = budget,
        });

        var tokenizer = host.Services.GetRequiredService<Tokenizer>();
        Assert.NotEmpty(reply.Sources);
        Assert.InRange(tokenizer.CountTokens(reply.Context), 1, budget);
        Assert.Equal(tokenizer.CountTokens(reply.Context), reply.Tokens);
        for (var i = 0; i < reply.Sources.Count; i++)
        {
            var s = reply.Sources[i];
            Assert.Contains($"[{i + 1}] {s.Collection}:{s.SourceUri}:{s.StartLine}-{s.EndLine}\n{s.Text}", reply.Context);
        }
        Assert.Equal("repo/src/WidgetParser.cs", reply.Sources[0].SourceUri);
        // No two packed chunks of one file overlap.
        foreach (var group in reply.Sources.GroupBy(s => s.SourceUri))
        {
            var ranges = group.OrderBy(s => s.StartLine).ToList();
            for (var i = 1; i < ranges.Count; i++) Assert.True(ranges[i].StartLine > ranges[i - 1].EndLine);
        }
    }

    [Fact]
    public async Task A_recorded_lesson_is_part_of_a_later_tasks_context()
    {
        var recorded = await host.Knowledge.RecordLessonAsync(new RecordLessonRequest
        {
            TaskId = "task-42", Summary = "Temperature conversion helper",
            Failure = "tests failed: fahrenheit_to_celsius rounded to whole degrees",
            Fix = "return the exact float and round only when formatting",
        });

        var reply = await host.Knowledge.BuildContextAsync(new BuildContextRequest
        {
            Description = "Add kelvin support to the fahrenheit_to_celsius temperature conversion",
            Collections = { Collection }, TokenBudget = 1500,
        });

        Assert.Equal("tasks/task-42.md", recorded.SourceUri);
        Assert.Contains(reply.Sources, s => s.Collection == "lessons" && s.SourceUri == "tasks/task-42.md");
        Assert.Contains(reply.Sources, s => s.Collection == Collection && s.SourceUri == "repo/src/geometry.py");
    }

    [Fact]
    public async Task A_budget_smaller_than_every_chunk_packs_nothing()
    {
        var reply = await host.Knowledge.BuildContextAsync(new BuildContextRequest
        {
            Description = "widget configuration", Collections = { Collection }, TokenBudget = 5,
        });

        Assert.Empty(reply.Sources);
        Assert.Equal("", reply.Context);
    }
}
