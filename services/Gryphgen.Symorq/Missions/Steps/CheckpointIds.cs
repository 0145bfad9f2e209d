namespace Gryphgen.Symorq.Missions.Steps;

/// <summary>Checkpoint ids (git commits) as people read them in summaries.</summary>
public static class CheckpointIds
{
    public static string Short(string checkpoint) => checkpoint.Length > 10 ? checkpoint[..10] : checkpoint;
}
