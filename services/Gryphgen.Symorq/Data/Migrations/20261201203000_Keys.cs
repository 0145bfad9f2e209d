using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gryphgen.Symorq.Data.Migrations
{
    /// <inheritdoc />
    public partial class Keys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Tasks submitted before keys had owners were submitted with the configured key: they are its.
            migrationBuilder.AddColumn<string>(
                name: "owner",
                table: "tasks",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "bootstrap");

            migrationBuilder.CreateTable(
                name: "keys",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    scope = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    digest = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_keys", x => x.name);
                });

            migrationBuilder.CreateIndex(
                name: "IX_tasks_owner_created_at",
                table: "tasks",
                columns: new[] { "owner", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_keys_digest",
                table: "keys",
                column: "digest",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "keys");

            migrationBuilder.DropIndex(
                name: "IX_tasks_owner_created_at",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "owner",
                table: "tasks");
        }
    }
}
