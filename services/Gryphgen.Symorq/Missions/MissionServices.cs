using Gryphgen.Contracts;
using Gryphgen.Symorq.Fabric;
using Gryphgen.Symorq.Grid.Gateway;

namespace Gryphgen.Symorq.Missions;

/// <summary>
/// What a task run works with: the agents (through the broker), SYMAUG's workspaces, SYMORG's knowledge and the
/// gateway's count of each task's tokens.
/// </summary>
public sealed record MissionServices(
    AgentBroker Broker,
    Workspaces.WorkspacesClient Workspaces,
    Contracts.Knowledge.KnowledgeClient Knowledge,
    WorkflowOptions Options,
    TimeProvider Time,
    RecoveryWait Recovery,
    TaskTokenMeter Meter);
