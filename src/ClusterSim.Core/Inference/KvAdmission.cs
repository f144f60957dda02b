namespace ClusterSim.Core.Inference;

/// <summary>
/// What admitting a request costs the KV pool: <see cref="Need"/> blocks from the free ones (its own plus cached ones it
/// pins that nobody used), <see cref="Shared"/> prompt tokens neither prefilled nor allocated (a sibling's shared prompt
/// or the <see cref="Hit"/> cached blocks), and <see cref="Loaded"/> blocks after them copied back from host memory.
/// <see cref="Window"/> of the needed blocks hold its sliding-window layers' KV (0 for a model without them): taken with
/// the rest, but not the sequence's growing blocks.
/// </summary>
public readonly record struct KvAdmission(int Need, int Shared, int Hit, int Pin, int Loaded, int Window = 0);
