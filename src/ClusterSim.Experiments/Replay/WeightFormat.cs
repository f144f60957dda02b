using ClusterSim.Core.Catalog;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// The format a measured run's weights were in. vLLM's <c>--dtype</c> (auto, bfloat16, float16, half) sets the 16-bit
/// type it computes in; a quantised checkpoint keeps its own weight format whatever that flag says, and says so in its
/// name (<c>…-FP8-dynamic</c>, <c>…-quantized.w4a16</c>, <c>…-AWQ</c>). A run's <c>dtype</c> column may hold either.
/// </summary>
public static class WeightFormat
{
    /// <summary>
    /// The weights' precision for a run of <paramref name="checkpoint"/> with <paramref name="dtype"/>; notes in
    /// <paramref name="corrections"/> whatever was inferred rather than given. Throws naming an unknown dtype.
    /// </summary>
    public static Precision Of(string dtype, string checkpoint, ModelSpec model, List<string> corrections)
    {
        Precision? named = FromCheckpointName(checkpoint);
        switch (dtype.Trim().ToUpperInvariant())
        {
            case "FP8":
                return Precision.FP8;
            case "INT8" or "W8A8":
                return Precision.INT8;
            case "INT4" or "W4A16" or "AWQ" or "GPTQ" or "FP4" or "MXFP4" or "NVFP4":
                return Precision.INT4;
            case "FP16" or "BF16" or "BFLOAT16" or "FLOAT16" or "HALF" when named is { } quantised:
                corrections.Add($"weights in {Name(quantised)}, as the checkpoint's name says ({dtype} is the type vLLM computes in)");
                return quantised;
            case "FP16" or "BF16" or "BFLOAT16" or "FLOAT16" or "HALF":
                return Precision.BF16;
            case "AUTO" or "" when named is { } quantised:
                corrections.Add($"weights in {Name(quantised)}, as the checkpoint's name says ({(dtype.Length == 0 ? "dtype not published" : "dtype auto")})");
                return quantised;
            case "AUTO" or "" when model.NativePrecision is { } native:
                corrections.Add($"weights in {Name(native)}, as the model was released ({(dtype.Length == 0 ? "dtype not published" : "dtype auto")})");
                return native;
            case "AUTO" or "":
                corrections.Add($"weights in 16-bit ({(dtype.Length == 0 ? "dtype not published" : "dtype auto")})");
                return Precision.BF16;
            default:
                throw new ArgumentException($"dtype '{dtype}' is not one of auto, bfloat16, float16, half, FP16, BF16, FP8, INT8 (W8A8), INT4 (W4A16, AWQ, GPTQ), FP4");
        }
    }

    /// <summary>
    /// The format one part of a checkpoint is stored in (its embedding tables, its non-expert layers): null for an empty
    /// text (the convention), else bf16 (fp16), fp8, int8 or int4 (fp4). Throws naming the choices otherwise.
    /// </summary>
    public static Precision? Part(string text) => text.Trim().ToUpperInvariant() switch
    {
        "" => null,
        "BF16" or "FP16" => Precision.BF16,
        "FP8" => Precision.FP8,
        "INT8" => Precision.INT8,
        "INT4" or "FP4" => Precision.INT4,
        _ => throw new ArgumentException($"'{text}' is not bf16, fp16, fp8, int8 or int4"),
    };

    /// <summary>The weight format a checkpoint's name declares (FP8, W8A8/INT8/8bit, W4A16/INT4/AWQ/GPTQ/NVFP4/MXFP4/4bit/NF4), or null.</summary>
    public static Precision? FromCheckpointName(string checkpoint)
    {
        string name = checkpoint[(checkpoint.LastIndexOf('/') + 1)..].ToUpperInvariant();
        foreach (string token in name.Split(['-', '_', '.'], StringSplitOptions.RemoveEmptyEntries))
        {
            switch (token)
            {
                case "FP8":
                    return Precision.FP8;
                case "W8A8" or "INT8" or "W8A16":
                    return Precision.INT8;
                case "W4A16" or "INT4" or "AWQ" or "GPTQ" or "NVFP4" or "MXFP4" or "FP4" or "4BIT" or "NF4":
                    return Precision.INT4;
                case "8BIT":
                    return Precision.INT8;
            }
        }

        return null;
    }

    private static string Name(Precision precision) => precision.ToString().ToLowerInvariant();
}
