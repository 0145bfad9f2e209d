using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gryphgen.Symaug.Data.Migrations
{
    /// <inheritdoc />
    public partial class WorkspaceFencing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_workspaces_task_id",
                schema: "symaug",
                table: "workspaces");

            migrationBuilder.AddColumn<long>(
                name: "fence",
                schema: "symaug",
                table: "workspaces",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "request_sha256",
                schema: "symaug",
                table: "workspaces",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "key",
                schema: "symaug",
                table: "checkpoints",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "report",
                schema: "symaug",
                table: "checkpoints",
                type: "jsonb",
                nullable: true);

            // Before this release a step repeated after a crash made a second workspace for its task. The newest is
            // the one the task went on with; older ones are renamed out of the way (kept, so nothing on disk is lost)
            // so that the task id can be unique.
            migrationBuilder.Sql("""
                UPDATE symaug.workspaces w SET task_id = left(w.task_id, 150) || '~orphan-' || w.id
                WHERE EXISTS (SELECT 1 FROM symaug.workspaces n
                              WHERE n.task_id = w.task_id AND (n.created_at, n.id) > (w.created_at, w.id));
                """);

            migrationBuilder.CreateIndex(
                name: "IX_workspaces_task_id",
                schema: "symaug",
                table: "workspaces",
                column: "task_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_checkpoints_workspace_id_key",
                schema: "symaug",
                table: "checkpoints",
                columns: new[] { "workspace_id", "key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_workspaces_task_id",
                schema: "symaug",
                table: "workspaces");

            migrationBuilder.DropIndex(
                name: "IX_checkpoints_workspace_id_key",
                schema: "symaug",
                table: "checkpoints");

            migrationBuilder.DropColumn(
                name: "fence",
                schema: "symaug",
                table: "workspaces");

            migrationBuilder.DropColumn(
                name: "request_sha256",
                schema: "symaug",
                table: "workspaces");

            migrationBuilder.DropColumn(
                name: "key",
                schema: "symaug",
                table: "checkpoints");

            migrationBuilder.DropColumn(
                name: "report",
                schema: "symaug",
                table: "checkpoints");

            migrationBuilder.CreateIndex(
                name: "IX_workspaces_task_id",
                schema: "symaug",
                table: "workspaces",
                column: "task_id");
        }
    }
}
