using System.Text.Json;
using Google.Protobuf;
using Gryphgen.Contracts;
using Gryphgen.Persistence;
using Gryphgen.Symorq.Data;
using Gryphgen.Symorq.Missions;
using Gryphgen.Symorq.Missions.Steps;
using Gryphgen.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Gryphgen.Symorq.Tests.Missions;

/// <summary>
/// The journal stores its own records, not wire types: what it writes is pinned here, so a change to a proto or a
/// fabric reply cannot change it unnoticed, and a journal written in the earlier (wire) form is migrated and read back.
/// </summary>
public sealed class JournalSchemaTests
{
    public static TheoryData<object, string> StoredForms => new()
    {
        { new GenerateOutput([new GeneratedFileOutput("a.py", "x = 1")], "s"), """{"files":[{"path":"a.py","content":"x = 1"}],"summary":"s"}""" },
        { new AnalyzeOutput("fail", [new ProblemOutput("a.py", 3, "m")], "fix"), """{"verdict":"fail","problems":[{"file":"a.py","line":3,"message":"m"}],"advice":"fix"}""" },
        { new MonitorOutput(false, ["r1"], 0.5), """{"aligned":false,"unmet":["r1"],"score":0.5}""" },
        {
            new DecideOutput("revert", "abc", "why", "reverted", "", "abc123"),
            """{"action":"revert","checkpoint":"abc","reason":"why","applied":"reverted","escalatedModel":"","revertTo":"abc123"}"""
        },
        {
            new TaskSnapshot("t1", "T", "python", "k", TaskRecordState.Running, 5, 1, 6, 10, 100, "", "generate", "w", new TestCounts(1, 2, 0), 7, 0),
            """
            {"taskId":"t1","title":"T","language":"python","owner":"k","state":"Running","priority":5,"iterations":1,"maxIterations":6,"tokens":10,
            "maxTokens":100,"reason":"","currentStep":"generate","workspaceId":"w","tests":{"passed":1,"failed":2,"errored":0},"createdUnixMs":7,"finishedUnixMs":0}
            """.ReplaceLineEndings("")
        },
    };

    [Theory]
    [MemberData(nameof(StoredForms))]
    public void Each_record_is_stored_in_the_journals_own_form(object record, string stored)
    {
        Assert.Equal(stored, JsonSerializer.Serialize(record, record.GetType(), JournalJson.Options));
        Assert.Equal(record, JsonSerializer.Deserialize(stored, record.GetType(), JournalJson.Options), new RecordEquality());
    }

    [Fact]
    public async Task A_journal_written_in_the_wire_form_is_migrated_and_read_back()
    {
        var connection = await SharedPostgres.CreateDatabaseAsync("journal_form");
        await using var provider = new ServiceCollection().AddServiceDbContext<OrchestratorDbContext>(connection).BuildServiceProvider();
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
            await db.GetService<IMigrator>().MigrateAsync("20261203060102_Retention"); // the last release that stored wire types
            // That release kept its tables in public; the model writes to symorq's, so they are lent there for the write.
            await MoveJournalAsync(db, "public", OrchestratorDbContext.Schema);
            db.Tasks.Add(new TaskRecord { Id = "t1", Title = "T", Language = "python", Owner = "k", Spec = "{}", State = TaskRecordState.Running });
            db.Events.Add(new EventRecord { TaskId = "t1", Kind = "started", Snapshot = JsonFormatter.Default.Format(OldInfo) });
            db.Steps.Add(new StepRecord { TaskId = "t1", Iteration = 1, Kind = StepKinds.Generate, State = StepStates.Completed,
                Output = """{"reply":{"files":[{"path":"a.py","content":"x = 1"}],"summary":"s"}}""" });
            db.Steps.Add(new StepRecord { TaskId = "t1", Iteration = 1, Kind = StepKinds.Decide, State = StepStates.Completed,
                Output = """{"decision":{"action":"revert","checkpoint":null,"reason":"why"},"applied":"reverted","escalatedModel":"","revertTo":"abc123"}""" });
            db.Steps.Add(new StepRecord { TaskId = "t1", Iteration = 2, Kind = StepKinds.Generate }); // running: no output yet
            await db.SaveChangesAsync();
            await MoveJournalAsync(db, OrchestratorDbContext.Schema, "public");
        }

        await provider.MigrateServiceDatabaseAsync<OrchestratorDbContext>();

        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
            var replayed = TaskViews.Event(await db.Events.SingleAsync());
            Assert.Equal(OldInfo, replayed.Task);
            var steps = await db.Steps.OrderBy(s => s.Id).ToListAsync();
            var generated = RunContext.Output<GenerateOutput>(steps[0]);
            Assert.Equal(("a.py", "x = 1", "s"), (generated.Files.Single().Path, generated.Files.Single().Content, generated.Summary));
            Assert.Equal(new DecideOutput("revert", null, "why", "reverted", "", "abc123"), RunContext.Output<DecideOutput>(steps[1]));
            Assert.Equal("", steps[2].Output);
        }
    }

    private static Task MoveJournalAsync(OrchestratorDbContext db, string from, string to) => db.Database.ExecuteSqlRawAsync(
        string.Concat(new[] { "tasks", "task_steps", "task_events" }.Select(table => $"ALTER TABLE {from}.{table} SET SCHEMA {to};")));

    /// <summary>A snapshot as the earlier release wrote it: some fields at their defaults (left out of protobuf JSON), int64s as strings.</summary>
    private static TaskInfo OldInfo => new()
    {
        TaskId = "t1", Title = "T", Language = "python", Owner = "k", State = TaskState.Cancelled, Priority = 7, Iterations = 2,
        MaxIterations = 6, Tokens = 12_345_678_901, MaxTokens = 200_000, Reason = "cancelled by the user", CurrentStep = "",
        WorkspaceId = "", Tests = new TestSummary { Passed = 3, Failed = 0, Errored = 1 }, CreatedUnixMs = 1_764_000_000_000, FinishedUnixMs = 1_764_000_100_000,
    };

    /// <summary>Records compare their lists by reference; their JSON says whether two are the same.</summary>
    private sealed class RecordEquality : IEqualityComparer<object?>
    {
        public new bool Equals(object? x, object? y) =>
            JsonSerializer.Serialize(x, JournalJson.Options) == JsonSerializer.Serialize(y, JournalJson.Options);

        public int GetHashCode(object? obj) => 0;
    }
}
