using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gryphgen.Symorg.Data.Migrations
{
    /// <inheritdoc />
    public partial class OwnSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "symorg");

            migrationBuilder.RenameTable(
                name: "documents",
                newName: "documents",
                newSchema: "symorg");

            migrationBuilder.RenameTable(
                name: "collections",
                newName: "collections",
                newSchema: "symorg");

            migrationBuilder.RenameTable(
                name: "chunks",
                newName: "chunks",
                newSchema: "symorg");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameTable(
                name: "documents",
                schema: "symorg",
                newName: "documents");

            migrationBuilder.RenameTable(
                name: "collections",
                schema: "symorg",
                newName: "collections");

            migrationBuilder.RenameTable(
                name: "chunks",
                schema: "symorg",
                newName: "chunks");
        }
    }
}
