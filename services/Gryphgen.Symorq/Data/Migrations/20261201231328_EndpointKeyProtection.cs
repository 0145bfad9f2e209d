using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Gryphgen.Symorq.Data.Migrations
{
    /// <inheritdoc />
    public partial class EndpointKeyProtection : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Keys stored so far are in plain text: SQL cannot protect them, so they are marked, and SYMORQ protects
            // every marked key as it starts (EndpointStore), before it serves anything.
            migrationBuilder.RenameColumn(
                name: "api_key",
                table: "grid_endpoints",
                newName: "protected_api_key");

            migrationBuilder.AlterColumn<string>(
                name: "protected_api_key",
                table: "grid_endpoints",
                type: "text",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(4096)",
                oldMaxLength: 4096,
                oldNullable: true);

            migrationBuilder.Sql("UPDATE grid_endpoints SET protected_api_key = 'plain:' || protected_api_key WHERE protected_api_key IS NOT NULL");

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    friendly_name = table.Column<string>(type: "text", nullable: true),
                    xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_data_protection_keys", x => x.id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "data_protection_keys");

            // Protected keys cannot be opened in SQL: they are dropped, and the endpoints must be given their keys again.
            migrationBuilder.DropColumn(
                name: "protected_api_key",
                table: "grid_endpoints");

            migrationBuilder.AddColumn<string>(
                name: "api_key",
                table: "grid_endpoints",
                type: "character varying(4096)",
                maxLength: 4096,
                nullable: true);
        }
    }
}
