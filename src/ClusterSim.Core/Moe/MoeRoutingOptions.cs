namespace ClusterSim.Core.Moe;

/// <summary>How a mixture-of-experts replica routes tokens and places experts on its accelerators.</summary>
public sealed record MoeRoutingOptions
{
    public ExpertPopularity Popularity { get; init; } = ExpertPopularity.Uniform;

    /// <summary>Zipf exponent s (0 is uniform).</summary>
    public double ZipfExponent { get; init; } = 1;

    /// <summary>Dirichlet concentration α per expert (large is uniform).</summary>
    public double DirichletConcentration { get; init; } = 1;

    /// <summary>Accelerators the experts are spread over; 0 means the replica's tensor-parallel group.</summary>
    public int ExpertParallel { get; init; }

    /// <summary>How tokens reach experts on other accelerators: all-to-all dispatch and combine, or the tensor-parallel all-reduce.</summary>
    public ExpertDispatch Dispatch { get; init; } = ExpertDispatch.AllToAll;

    /// <summary>Most tokens an expert takes per iteration, as a multiple of its fair share k·T/E; 0 for no cap (no drops).</summary>
    public double CapacityFactor { get; init; }

    /// <summary>The most popular experts copied onto every accelerator, their load shared evenly.</summary>
    public int ReplicatedHotExperts { get; init; }

    /// <summary>Throws when a field is out of range.</summary>
    public MoeRoutingOptions Validated() =>
        ZipfExponent >= 0 && DirichletConcentration > 0 && ExpertParallel >= 0 && CapacityFactor >= 0 && ReplicatedHotExperts >= 0 ? this
        : throw new ArgumentException("moe: zipf_s ≥ 0, dirichlet_alpha > 0, expert_parallel ≥ 0, capacity_factor ≥ 0 and replicated_hot ≥ 0 expected");
}
