using System.Globalization;

namespace ClusterSim.Core.Performance;

/// <summary>
/// The TensorRT-LLM release a deployment names, against the one its shipped calibration was fitted on: <c>hopper-trtllm</c>
/// (FP8) and <c>blackwell-trtllm</c> come from the performance overview of a 1.x release (2025), and TensorRT-LLM 0.9.0's measured
/// static batches (data/published/trtllm-0.9-static-runs.csv) decoded 10–46 % slower on Hopper in FP8 than those factors
/// give. A release before 1.0 takes the row fitted on its series where the catalog has one (<c>hopper-trtllm@0.x</c>, with the
/// 0.x runtime's step cost; <see cref="Series"/>); on a row without one it is said, not silently timed as the newer software.
/// </summary>
public static class TensorRtLlmRelease
{
    /// <summary>
    /// The first release whose engines take at most 8,192 tokens a step by default: before it `trtllm-build` left
    /// <c>max_num_tokens</c> unset and sized it max_batch_size × max_seq_len (tensorrt_llm/_common.py, check_max_num_tokens),
    /// so a context step held every prompt waiting for it; its performance guide: "set to 8192 by default starting from v0.11".
    /// </summary>
    public static readonly EngineRelease FirstTokenBudget = new(0, 11);

    /// <summary>
    /// The suffix of the calibration rows fitted on the release series <paramref name="engineVersion"/> belongs to
    /// ("@0.x" for 0.9.0), or null when it names no release. A row <c>hopper-trtllm@0.x</c> serves every 0.x release.
    /// </summary>
    public static string? Series(string engineVersion) =>
        EngineRelease.TryParse(engineVersion, out EngineRelease release) ? string.Create(CultureInfo.InvariantCulture, $"@{release.Major}.x") : null;

    /// <summary>True when <paramref name="engineVersion"/> names a release before <paramref name="release"/> (false when it names none).</summary>
    public static bool Before(string engineVersion, EngineRelease release) =>
        EngineRelease.TryParse(engineVersion, out EngineRelease named) && !named.AtLeast(release);

    /// <summary>
    /// A warning when <paramref name="engineVersion"/> is a TensorRT-LLM release before 1.0 and <paramref name="calibration"/>
    /// is a shipped row fitted on a 1.x release; null otherwise (no release given, a 1.x release, another calibration, or a
    /// user's own fit of the row, which `clustersim calibrate` writes and which fits the release in use).
    /// </summary>
    public static string? OlderThanCalibration(string engineVersion, ServingCalibration calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        string calibrationName = calibration.Name;
        // hopper-trtllm/bf16 was fitted on the 0.12.0 overview itself, so only the rows fitted on 1.x warn.
        bool shipped = (calibrationName == "hopper-trtllm/fp8" || calibrationName.StartsWith("blackwell-trtllm/", StringComparison.Ordinal))
            && !calibration.IsUserFit;
        if (!shipped || !Before(engineVersion, new EngineRelease(1, 0)))
        {
            return null;
        }

        return $"TensorRT-LLM {engineVersion.Trim()} predates the 1.x release {calibrationName} was fitted on (its 2025 performance overview): "
            + "on TensorRT-LLM 0.9.0's measured static batches Hopper in FP8 decoded 10-46 % slower than these factors give; "
            + "fit the release in use with `clustersim calibrate`";
    }
}
