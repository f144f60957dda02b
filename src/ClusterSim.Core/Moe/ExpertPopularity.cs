namespace ClusterSim.Core.Moe;

/// <summary>How unevenly tokens prefer experts.</summary>
public enum ExpertPopularity
{
    /// <summary>Every expert equally likely.</summary>
    Uniform,

    /// <summary>The i-th most popular expert has weight 1/i^s.</summary>
    Zipf,

    /// <summary>Weights drawn once per run from a symmetric Dirichlet(α): small α, heavy skew.</summary>
    Dirichlet,
}
