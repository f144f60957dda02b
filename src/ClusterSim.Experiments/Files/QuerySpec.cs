using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Experiments.Files;

/// <summary><c>workload.queries</c>: a catalog of repeated questions and the Zipf exponent of their popularity.</summary>
public sealed record QuerySpec(int Catalog, double Zipf)
{
    /// <summary>The popularity law (its cumulative table is built per run).</summary>
    public QueryPopularity Build() => new(Catalog, Zipf);
}
