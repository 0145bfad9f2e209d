// One fault at a time: a fault is injected into the one system every test shares, and it must be healed, and the
// system healthy again, before the next test injects its own.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
