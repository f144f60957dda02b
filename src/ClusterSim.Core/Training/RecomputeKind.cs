namespace ClusterSim.Core.Training;

/// <summary>Activation recomputation (Korthikanti et al. 2022): trades FLOPs for activation memory.</summary>
public enum RecomputeKind
{
    /// <summary>Every activation is stored.</summary>
    None,

    /// <summary>Attention scores are recomputed; the other activations are stored.</summary>
    Selective,

    /// <summary>Only each layer's input is stored; the forward pass is run twice.</summary>
    Full,
}
