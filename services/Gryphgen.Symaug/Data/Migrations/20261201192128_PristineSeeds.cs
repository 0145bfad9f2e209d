using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gryphgen.Symaug.Data.Migrations
{
    /// <inheritdoc />
    public partial class PristineSeeds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Workspaces created before get no hashes (an empty array): SYMAUG recovers their pristine seeds from
            // their first checkpoint at start-up (WorkspaceStore.RecoverPristineSeedsAsync).
            migrationBuilder.AddColumn<List<string>>(
                name: "seed_sha256",
                schema: "symaug",
                table: "workspaces",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "seed_sha256",
                schema: "symaug",
                table: "workspaces");
        }
    }
}
