namespace ClusterSim.Core.Training;

/// <summary>
/// How far a training step falls short of peak: the fraction of dense peak large matrix multiplies reach,
/// the fraction of link bandwidth collectives reach, how much of the data-parallel gradient traffic hides
/// behind the backward pass, and per-step and per-collective fixed costs. Calibrated defaults; an experiment can override each.
/// </summary>
public sealed record TrainingEfficiency
{
    /// <summary>Fraction of dense peak reached by the step's matrix multiplies.</summary>
    public double Matmul { get; init; } = 0.6;

    /// <summary>
    /// Fraction of the dense matmul rate the routed experts of an MoE layer reach, their grouped GEMMs together with the
    /// tokens' permutation to and from them and the router; 1 (the default) times them as dense matmuls.
    /// </summary>
    public double ExpertMatmul { get; init; } = 1;

    /// <summary>
    /// Fraction of HBM bandwidth element-wise kernels reach; the default is the serving calibration's fitted
    /// memory efficiency (hopper-vllm, BF16), not fitted on training rows.
    /// </summary>
    public double Memory { get; init; } = 0.7661;

    /// <summary>
    /// Fraction of the BF16 peak a hybrid's recurrent layers (Mamba-2, Gated DeltaNet) reach in their chunked scan,
    /// forward and backward, on the nominal six FLOPs a state element a token; the default is
    /// <see cref="Performance.RecurrentKernels.ScanShareOfBf16Peak"/>, fitted on one Megatron-Bridge run and held out on the others.
    /// </summary>
    public double Scan { get; init; } = Performance.RecurrentKernels.ScanShareOfBf16Peak;

    /// <summary>Fraction of nominal link bandwidth that collectives reach.</summary>
    public double Link { get; init; } = 0.8;

    /// <summary>Fraction of the data-parallel gradient traffic overlapped with backward compute.</summary>
    public double DataParallelOverlap { get; init; } = 0.5;

    /// <summary>Optimizer step, data loading and other fixed time per step, seconds.</summary>
    public double StepOverheadSeconds { get; init; }

    /// <summary>Start-up latency of one collective step, seconds.</summary>
    public double CollectiveLatencySeconds { get; init; } = 10e-6;

    /// <summary>Throws when a factor is outside its meaningful range.</summary>
    public TrainingEfficiency Validated()
    {
        if (Matmul is <= 0 or > 1 || ExpertMatmul is <= 0 or > 1 || Scan is <= 0 or > 1 || Memory is <= 0 or > 1 || Link is <= 0 or > 1 || DataParallelOverlap is < 0 or > 1)
        {
            throw new ArgumentException($"training efficiency factors must be fractions: matmul {Matmul}, expert_matmul {ExpertMatmul}, scan {Scan}, memory {Memory}, link {Link}, dp_overlap {DataParallelOverlap}");
        }

        if (StepOverheadSeconds < 0 || CollectiveLatencySeconds < 0)
        {
            throw new ArgumentException("training overheads must not be negative");
        }

        return this;
    }
}
