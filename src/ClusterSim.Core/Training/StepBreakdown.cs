namespace ClusterSim.Core.Training;

/// <summary>
/// Where one optimizer step's time goes on the critical path, in seconds, and the FLOPs it does.
/// Model FLOPs exclude recomputation (they define MFU); hardware FLOPs include it.
/// </summary>
public sealed record StepBreakdown
{
    public double ComputeSeconds { get; init; }
    /// <summary>Element-wise and softmax work bound by memory bandwidth (norms, activations, dropout, residual adds).</summary>
    public double MemoryBoundSeconds { get; init; }
    public double TensorParallelSeconds { get; init; }
    public double PipelineBubbleSeconds { get; init; }
    public double PipelineTransferSeconds { get; init; }
    public double DataParallelSeconds { get; init; }
    public double ExpertParallelSeconds { get; init; }

    /// <summary>Ring-attention K/V exchange not hidden behind attention compute.</summary>
    public double ContextParallelSeconds { get; init; }
    public double OverheadSeconds { get; init; }
    public double ModelFlops { get; init; }
    public double HardwareFlops { get; init; }
    public double Tokens { get; init; }
    public int Accelerators { get; init; }
    public double PeakFlopsPerAccelerator { get; init; }

    /// <summary>Busiest over mean expert-parallel rank load (1 for dense models or balanced experts).</summary>
    public double ExpertImbalance { get; init; } = 1;

    public double StepSeconds => ComputeSeconds + MemoryBoundSeconds + CommunicationSeconds + PipelineBubbleSeconds + OverheadSeconds;

    /// <summary>Exposed communication: tensor-, pipeline-, data-, expert- and context-parallel.</summary>
    public double CommunicationSeconds => TensorParallelSeconds + PipelineTransferSeconds + DataParallelSeconds + ExpertParallelSeconds + ContextParallelSeconds;

    /// <summary>Model FLOPs utilisation of the step.</summary>
    public double Mfu => ModelFlops / (Accelerators * PeakFlopsPerAccelerator * StepSeconds);

    /// <summary>Achieved FLOP/s per accelerator counting recomputation (how Megatron-LM and MT-NLG report throughput).</summary>
    public double HardwareFlopsPerAccelerator => HardwareFlops / (Accelerators * StepSeconds);

    public double TokensPerSecondPerAccelerator => Tokens / (Accelerators * StepSeconds);
}
