// The sandbox's process limit counts every process of the sandbox user on the host: a fork bomb in one test
// class must not starve another class's runs, and this machine has two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
