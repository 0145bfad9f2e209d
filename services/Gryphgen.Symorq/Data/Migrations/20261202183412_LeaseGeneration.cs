using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gryphgen.Symorq.Data.Migrations
{
    /// <inheritdoc />
    public partial class LeaseGeneration : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "lease_generation",
                table: "tasks",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "lease_generation",
                table: "tasks");
        }
    }
}
