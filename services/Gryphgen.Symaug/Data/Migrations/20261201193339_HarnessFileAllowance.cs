using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gryphgen.Symaug.Data.Migrations
{
    /// <inheritdoc />
    public partial class HarnessFileAllowance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "allowed_harness_files",
                schema: "symaug",
                table: "workspaces",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'"); // workspaces created before allow none
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "allowed_harness_files",
                schema: "symaug",
                table: "workspaces");
        }
    }
}
