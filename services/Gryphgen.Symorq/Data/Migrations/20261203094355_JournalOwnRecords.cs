using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gryphgen.Symorq.Data.Migrations
{
    /// <inheritdoc />
    public partial class JournalOwnRecords : Migration
    {
        /// <summary>
        /// The journal keeps its own records instead of wire types: event snapshots were TaskInfo as protobuf JSON
        /// (state "TASK_STATE_RUNNING", int64 as strings, empty fields left out) and become TaskSnapshot; the
        /// generate and decide steps held the fabric's reply records nested and now hold their fields flat.
        /// </summary>
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                UPDATE task_events SET snapshot = jsonb_build_object(
                    'taskId', COALESCE(snapshot->>'taskId', task_id), 'title', COALESCE(snapshot->>'title', ''),
                    'language', COALESCE(snapshot->>'language', ''), 'owner', COALESCE(snapshot->>'owner', ''),
                    'state', initcap(lower(substr(snapshot->>'state', length('TASK_STATE_') + 1))),
                    'priority', COALESCE((snapshot->>'priority')::int, 0), 'iterations', COALESCE((snapshot->>'iterations')::int, 0),
                    'maxIterations', COALESCE((snapshot->>'maxIterations')::int, 0), 'tokens', COALESCE((snapshot->>'tokens')::bigint, 0),
                    'maxTokens', COALESCE((snapshot->>'maxTokens')::bigint, 0), 'reason', COALESCE(snapshot->>'reason', ''),
                    'currentStep', COALESCE(snapshot->>'currentStep', ''), 'workspaceId', COALESCE(snapshot->>'workspaceId', ''),
                    'tests', jsonb_build_object('passed', COALESCE((snapshot->'tests'->>'passed')::int, 0),
                        'failed', COALESCE((snapshot->'tests'->>'failed')::int, 0), 'errored', COALESCE((snapshot->'tests'->>'errored')::int, 0)),
                    'createdUnixMs', COALESCE((snapshot->>'createdUnixMs')::bigint, 0),
                    'finishedUnixMs', COALESCE((snapshot->>'finishedUnixMs')::bigint, 0))
                WHERE snapshot->>'state' LIKE 'TASK\_STATE\_%';
                """);
            // Outputs are empty until a step completes: only JSON is parsed (CASE keeps the order of evaluation).
            migrationBuilder.Sql("""
                UPDATE task_steps SET output = (output::jsonb -> 'reply')::text
                WHERE kind = 'generate' AND CASE WHEN output LIKE '{%' THEN output::jsonb ? 'reply' ELSE false END;
                UPDATE task_steps SET output = ((output::jsonb - 'decision') || (output::jsonb -> 'decision'))::text
                WHERE kind = 'decide' AND CASE WHEN output LIKE '{%' THEN output::jsonb ? 'decision' ELSE false END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Protobuf's JSON parser reads numbers, and fields at their defaults, as they are written here.
            migrationBuilder.Sql("""
                UPDATE task_events SET snapshot = jsonb_set(snapshot, '{state}', to_jsonb('TASK_STATE_' || upper(snapshot->>'state')))
                WHERE snapshot ? 'state' AND snapshot->>'state' NOT LIKE 'TASK\_STATE\_%';
                UPDATE task_steps SET output = jsonb_build_object('reply', output::jsonb)::text
                WHERE kind = 'generate' AND CASE WHEN output LIKE '{%' THEN NOT output::jsonb ? 'reply' ELSE false END;
                UPDATE task_steps SET output = jsonb_build_object(
                    'decision', jsonb_build_object('action', o->'action', 'checkpoint', o->'checkpoint', 'reason', o->'reason'),
                    'applied', o->'applied', 'escalatedModel', o->'escalatedModel', 'revertTo', o->'revertTo')::text
                FROM (SELECT id AS step_id, output::jsonb AS o FROM task_steps
                      WHERE kind = 'decide' AND CASE WHEN output LIKE '{%' THEN NOT output::jsonb ? 'decision' ELSE false END) AS old
                WHERE id = old.step_id;
                """);
        }
    }
}
