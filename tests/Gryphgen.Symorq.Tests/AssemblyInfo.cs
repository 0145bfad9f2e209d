// Broker tests count heartbeats and liveness in real time, and the mission fixture runs eight processes: beside each
// other on a two-core machine they would starve one another's timers, so the classes run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
