using Microsoft.Extensions.Options;

namespace Gryphgen.Symorq.Grid;

/// <summary>
/// The grid's settings were under <c>Gryphgen:Grid</c> until they joined its endpoints under <c>Gryphgen:Llm</c>
/// (<see cref="GridOptions"/>). One left at its old key would be ignored without a word, so SYMORQ refuses to start
/// and names each such key with its new name.
/// </summary>
public sealed class MovedGridSettings(IConfiguration configuration) : IValidateOptions<GridOptions>
{
    public const string OldSection = "Gryphgen:Grid";

    public ValidateOptionsResult Validate(string? name, GridOptions options)
    {
        var moved = configuration.GetSection(OldSection).AsEnumerable(makePathsRelative: true)
            .Where(setting => setting.Value is not null)
            .Select(setting => $"{OldSection}:{setting.Key} has moved to {GridOptions.Section}:{setting.Key}")
            .Order(StringComparer.Ordinal)
            .ToList();
        return moved.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(moved);
    }
}
