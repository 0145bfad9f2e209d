using System.Globalization;
using Gryphgen.Contracts;
using Gryphgen.Contracts.Fabric;

namespace Gryphgen.Agents.Roles;

/// <summary>Puts the current <see cref="RoleCall"/> on every gateway request, so SYMORQ can schedule and account for it.</summary>
public sealed class GryphgenHeadersHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (RoleCall.Current is { } call)
        {
            request.Headers.Remove(GryphgenHeaders.Role);
            request.Headers.Remove(GryphgenHeaders.Task);
            request.Headers.Remove(GryphgenHeaders.Priority);
            request.Headers.Add(GryphgenHeaders.Role, call.Role.ToName());
            request.Headers.Add(GryphgenHeaders.Task, call.TaskId);
            request.Headers.Add(GryphgenHeaders.Priority, call.Priority.ToString(CultureInfo.InvariantCulture));
        }
        return base.SendAsync(request, cancellationToken);
    }
}
