namespace Gryphgen.Contracts;

/// <summary>
/// Whether this process runs as root, the one check behind what differs then: the AppHost keeps its state under
/// /var/lib and runs PostgreSQL as the <c>postgres</c> user, SYMAUG drops generated code to a sandbox user.
/// </summary>
public static class ProcessUser
{
    /// <summary>The effective user is root (uid 0, whatever the account is named).</summary>
    public static bool IsRoot => Environment.IsPrivilegedProcess;
}
