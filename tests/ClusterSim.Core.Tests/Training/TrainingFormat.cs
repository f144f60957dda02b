namespace ClusterSim.Core.Tests.Training;

/// <summary>The number format a Megatron-Bridge performance row names, as its table spells it.</summary>
public enum TrainingFormat
{
    /// <summary>BF16 throughout.</summary>
    Bf16,

    /// <summary>FP8 with current (per-tensor) scaling: "FP8-CS".</summary>
    Fp8Cs,

    /// <summary>"FP8" in the 26.02 tables, which name no recipe (taken as current scaling, 25.11's).</summary>
    Fp8,

    /// <summary>MXFP8: a scale a 32-element block.</summary>
    MxFp8,

    /// <summary>NVFP4: 4-bit floats with a scale a 16-element block.</summary>
    NvFp4,
}
