namespace ClusterSim.Core.Inference;

/// <summary>Which sequences of a running batch a walk visits.</summary>
internal enum Selection
{
    /// <summary>Still prefilling their prompt.</summary>
    Prefilling,

    /// <summary>Produced every token they should.</summary>
    Finished,

    /// <summary>Hold more tokens than their KV blocks cover.</summary>
    NeedsBlock,
}
