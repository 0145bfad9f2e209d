namespace Gryphgen.Symaug.Tests;

/// <summary>A task has one workspace (a second Create returns it): each test's workspace belongs to a task of its own.</summary>
public static class TaskIds
{
    public static string New(string name) => $"{name}-{Guid.NewGuid():N}";
}
