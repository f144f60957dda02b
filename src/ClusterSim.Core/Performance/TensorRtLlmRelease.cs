using System.Globalization;

namespace ClusterSim.Core.Performance;

/// <summary>
/// The TensorRT-LLM release a deployment names: the release series whose rows it takes (<c>hopper-trtllm</c> (FP8) and
/// <c>blackwell-trtllm</c> come from the performance overview of a 1.x release (2025), and a release before 1.0 takes the row
/// fitted on its series where the catalog has one, <c>hopper-trtllm@0.x</c> with the 0.x runtime's step cost;
/// <see cref="Series"/>; on a row without one <see cref="CalibrationRelease"/> says so), and the first release with a default
/// token budget.
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
}
