using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gryphgen.Symorq.Data.Migrations
{
    /// <inheritdoc />
    public partial class OwnSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "symorq");

            migrationBuilder.RenameTable(
                name: "worker_credentials",
                newName: "worker_credentials",
                newSchema: "symorq");

            migrationBuilder.RenameTable(
                name: "tasks",
                newName: "tasks",
                newSchema: "symorq");

            migrationBuilder.RenameTable(
                name: "task_steps",
                newName: "task_steps",
                newSchema: "symorq");

            migrationBuilder.RenameTable(
                name: "task_events",
                newName: "task_events",
                newSchema: "symorq");

            migrationBuilder.RenameTable(
                name: "keys",
                newName: "keys",
                newSchema: "symorq");

            migrationBuilder.RenameTable(
                name: "grid_endpoints",
                newName: "grid_endpoints",
                newSchema: "symorq");

            migrationBuilder.RenameTable(
                name: "data_protection_keys",
                newName: "data_protection_keys",
                newSchema: "symorq");

            // The task-event trigger moved with its table; its function follows, so SYMORQ owns nothing in public.
            migrationBuilder.Sql("ALTER FUNCTION public.notify_task_event() SET SCHEMA symorq;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER FUNCTION symorq.notify_task_event() SET SCHEMA public;");

            migrationBuilder.RenameTable(
                name: "worker_credentials",
                schema: "symorq",
                newName: "worker_credentials");

            migrationBuilder.RenameTable(
                name: "tasks",
                schema: "symorq",
                newName: "tasks");

            migrationBuilder.RenameTable(
                name: "task_steps",
                schema: "symorq",
                newName: "task_steps");

            migrationBuilder.RenameTable(
                name: "task_events",
                schema: "symorq",
                newName: "task_events");

            migrationBuilder.RenameTable(
                name: "keys",
                schema: "symorq",
                newName: "keys");

            migrationBuilder.RenameTable(
                name: "grid_endpoints",
                schema: "symorq",
                newName: "grid_endpoints");

            migrationBuilder.RenameTable(
                name: "data_protection_keys",
                schema: "symorq",
                newName: "data_protection_keys");
        }
    }
}
