using Gryphgen.Symorq.Missions;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gryphgen.Symorq.Data.Migrations
{
    /// <inheritdoc />
    public partial class TaskEventNotify : Migration
    {
        /// <summary>
        /// Every row written to task_events, by whichever replica, is announced on <see cref="TaskEventChannel"/> with
        /// its task's id once the transaction commits, so every replica's watchers of that task wake.
        /// </summary>
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                CREATE FUNCTION notify_task_event() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('{TaskEventChannel.Name}', NEW.task_id);
                    RETURN NULL;
                END $$;
                CREATE TRIGGER task_events_notify AFTER INSERT ON task_events FOR EACH ROW EXECUTE FUNCTION notify_task_event();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER task_events_notify ON task_events;
                DROP FUNCTION notify_task_event();
                """);
        }
    }
}
