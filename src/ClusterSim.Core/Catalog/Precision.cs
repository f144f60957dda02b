namespace ClusterSim.Core.Catalog;

/// <summary>Numeric format of weights, KV cache or matrix arithmetic.</summary>
public enum Precision
{
    /// <summary>16-bit brain float.</summary>
    BF16,

    /// <summary>8-bit float (E4M3/E5M2).</summary>
    FP8,

    /// <summary>8-bit integer.</summary>
    INT8,

    /// <summary>4-bit integer or float (weight-only on hardware without a 4-bit peak).</summary>
    INT4,
}
