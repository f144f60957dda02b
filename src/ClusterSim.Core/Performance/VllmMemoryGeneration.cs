namespace ClusterSim.Core.Performance;

/// <summary>
/// How one generation of vLLM releases sizes its start-up profile: the sampler's peak per sequence and vocabulary
/// entry, the rest of the activation peak, and the memory outside PyTorch's allocator at TP 1 and at TP ≥ 2. Each is
/// read off vLLM's own start-up logs on an 80 GB H100 (<see cref="Source"/>).
/// </summary>
public sealed record VllmMemoryGeneration(
    string Name,
    double SamplerBytesPerLogit,
    double BaseActivationBytes,
    double NonTorchBytes,
    double TensorParallelNonTorchBytes,
    string Source);
