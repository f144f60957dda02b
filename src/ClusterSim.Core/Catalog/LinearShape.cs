namespace ClusterSim.Core.Catalog;

/// <summary>
/// A hybrid's recurrent layers as a config gives them: how many, their key and value heads and widths (Mamba-2's groups
/// and state size, heads and head width), the short convolution and the state's bytes an element; all 0 for none.
/// </summary>
internal readonly record struct LinearShape(int Layers, int KeyHeads, int KeyDim, int ValueHeads, int ValueDim, int ConvKernel, int StateBytes);
