namespace Gryphgen.Symorq.Missions;

/// <summary>
/// The PostgreSQL notification channel a row written to <c>task_events</c> is announced on, its payload the task's id
/// (a trigger sends it, so every writer on every replica does; see the <c>TaskEventNotify</c> migration). Every
/// replica listens (<see cref="TaskEventListener"/>) and wakes the watchers of that task alone.
/// </summary>
public static class TaskEventChannel
{
    public const string Name = "gryphgen_task_events";
}
