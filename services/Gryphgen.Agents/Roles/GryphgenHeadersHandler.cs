using System.Globalization;
using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Agents.Roles;

/// <summary>Puts the current <see cref="RoleCall"/> on every gateway request, so SYMORQ can schedule and account for it.</summary>
public sealed class GryphgenHeadersHandler : DelegatingHandler
{
    public const string RoleHeader = "X-Gryphgen-Role";
    public const string TaskHeader = "X-Gryphgen-Task";
    public const string PriorityHeader = "X-Gryphgen-Priority";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (RoleCall.Current is { } call)
        {
            request.Headers.Remove(RoleHeader);
            request.Headers.Remove(TaskHeader);
            request.Headers.Remove(PriorityHeader);
            request.Headers.Add(RoleHeader, call.Role.ToName());
            request.Headers.Add(TaskHeader, call.TaskId);
            request.Headers.Add(PriorityHeader, call.Priority.ToString(CultureInfo.InvariantCulture));
        }
        return base.SendAsync(request, cancellationToken);
    }
}
