// Two whole systems (local mode and containers mode, a dozen processes and containers each) and the AppHost builds of
// the configuration tests: beside each other on a two-core machine they starve one another's start-up timeouts, so
// the collections run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
