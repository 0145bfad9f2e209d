using Gryphgen.Contracts;
using Gryphgen.Symorq.Fabric;

namespace Gryphgen.Symorq.Missions;

/// <summary>What a task run works with: the agents (through the broker), SYMAUG's workspaces and SYMORG's knowledge.</summary>
public sealed record MissionServices(
    AgentBroker Broker,
    Workspaces.WorkspacesClient Workspaces,
    Contracts.Knowledge.KnowledgeClient Knowledge,
    WorkflowOptions Options,
    TimeProvider Time);
