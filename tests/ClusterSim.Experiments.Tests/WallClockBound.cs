namespace ClusterSim.Experiments.Tests;

/// <summary>
/// Tests that call a run hung when it outlasts a wall-clock bound. They run alone, after the parallel collections: beside
/// the replay tests, whose runs fill every core, a run of a third of a second once waited more than 30 s for a thread on
/// a two-core machine and was reported hung.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WallClockBound
{
    /// <summary>The collection's name.</summary>
    public const string Name = "runs bounded by the wall clock";
}
