using ClusterSim.Core.Catalog;

namespace ClusterSim.Core.Performance;

/// <summary>
/// How a checkpoint in a given weight format stores its parts when nothing says otherwise: the embedding tables' format,
/// the non-expert layers' format and the bits a stored weight takes with its format's scales. Each is a convention of the
/// tooling that makes such checkpoints, overridable on a deployment (<see cref="ServingDeployment.HeadWeights"/>,
/// <see cref="ServingDeployment.DenseWeights"/>, <see cref="ServingDeployment.WeightBits"/>).
/// </summary>
public static class CheckpointConventions
{
    /// <summary>The fewest and most bits a stored weight may be given (<see cref="ServingDeployment.WeightBits"/>).</summary>
    public const double MinWeightBits = 1, MaxWeightBits = 32;

    /// <summary>
    /// The embedding tables' format. Datacenter quantisers keep both tables in 16 bits whatever the layers' format
    /// (llm-compressor's FP8, W8A8 and W4A16 recipes ignore <c>lm_head</c>; AutoAWQ and GPTQ quantise only the decoder's
    /// linear layers; ModelOpt's FP8 and NVFP4 leave <c>lm_head</c> out; DeepSeek's and gpt-oss's released checkpoints
    /// store it in BF16), so a quantised deployment reads a 16-bit head every step. Edge devices run MLC builds (the
    /// <c>edge-mlc</c> calibration), whose group quantisation (<c>q4f16_1</c>: <c>quantize_embedding</c> and
    /// <c>quantize_final_fc</c> true) quantises both tables with the layers.
    /// </summary>
    public static Precision HeadFormat(Precision weights, AcceleratorSpec chip) =>
        weights.BytesPerElement() >= 2 || chip.IsEdge ? weights : Precision.BF16;

    /// <summary>
    /// The format of the layers other than the routed experts: 16 bits for a mixture-of-experts model served in the
    /// 4-bit format it was released in (<see cref="ReleasedFourBitExperts"/>: gpt-oss's quantization_config leaves the
    /// attention, the routers, the embedding and the LM head out), the weights' format otherwise (a quantiser's FP8, W8A8,
    /// AWQ or GPTQ checkpoint quantises every linear layer).
    /// </summary>
    public static Precision DenseFormat(Precision weights, ModelSpec model) => ReleasedFourBitExperts(weights, model) ? Precision.BF16 : weights;

    /// <summary>
    /// Bits a stored layer weight takes, scales included: 16 or 8 for the wide formats (per-tensor, per-channel or
    /// 128 × 128-block scales are a few bytes a row) and, for 4-bit weights, the group format the deployment implies:
    /// MXFP4 for a model's released 4-bit experts (an 8-bit scale a block of 32: 4.25 bits), NVFP4 where the chip
    /// multiplies in 4 bits (an 8-bit scale a block of 16: 4.5), MLC's <c>q4f16_1</c> on edge devices (a 16-bit scale a
    /// group of 32: 4.5), and elsewhere the W4A16 checkpoints of GPTQ, AWQ and llm-compressor (a 16-bit scale a group of
    /// 128: 4.125; AWQ's 4-bit zero points add 0.03).
    /// </summary>
    public static double WeightBits(Precision weights, ModelSpec model, AcceleratorSpec chip) => weights switch
    {
        Precision.INT4 when ReleasedFourBitExperts(weights, model) => 4.25,
        Precision.INT4 when chip.Fp4Tflops is > 0 || chip.IsEdge => 4.5,
        Precision.INT4 => 4.125,
        _ => 8 * weights.BytesPerElement(),
    };

    /// <summary>
    /// True for a mixture-of-experts model served in the 4-bit format it was released in (the catalog's
    /// <c>native_precision</c> int4: gpt-oss), whose checkpoint stores MXFP4 experts beside 16-bit attention, routers and
    /// embedding tables.
    /// </summary>
    public static bool ReleasedFourBitExperts(Precision weights, ModelSpec model) =>
        model.IsMoE && weights == Precision.INT4 && model.NativePrecision == Precision.INT4;
}
