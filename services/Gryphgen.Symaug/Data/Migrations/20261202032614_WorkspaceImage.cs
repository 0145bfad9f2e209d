using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gryphgen.Symaug.Data.Migrations
{
    /// <inheritdoc />
    public partial class WorkspaceImage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "image",
                schema: "symaug",
                table: "workspaces",
                type: "character varying(255)",
                maxLength: 255,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "image",
                schema: "symaug",
                table: "workspaces");
        }
    }
}
