namespace ClusterSim.Core.Performance;

/// <summary>
/// A deployment's engine release against the one its shipped calibration row was fitted on (the row's
/// <see cref="ServingCalibration.FittedRelease"/>): a release older than that is said, never timed silently as the newer
/// software. Releases move the same run a long way — InferenceX's reruns of one DeepSeek-R1 configuration moved its median
/// TPOT by 1.18× in the median and by 1.3–1.7× under SGLang on AMD (data/published/scripts/inferencex_drift.py), and
/// TensorRT-LLM 0.9.0's static batches decoded 10–46 % slower on Hopper in FP8 than the 1.x rows give.
/// </summary>
public static class CalibrationRelease
{
    /// <summary>
    /// A warning when <paramref name="engineVersion"/> names a release of <paramref name="engine"/> before the one the shipped
    /// row <paramref name="calibration"/> was fitted on; null otherwise (no release given or not a release number, a row
    /// that names no release, the same or a later release, or a user's own fit, which fits the release in use).
    /// </summary>
    public static string? OlderThanFit(ServingEngine engine, string engineVersion, ServingCalibration calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        if (calibration.IsUserFit
            || !EngineRelease.TryParse(calibration.FittedRelease, out EngineRelease fitted)
            || !EngineRelease.Before(engineVersion, fitted))
        {
            return null;
        }

        return $"{Name(engine)} {engineVersion.Trim()} predates {fitted}, the release {calibration.Name} was fitted on: {Evidence(engine)}; "
            + "fit the release in use with `clustersim calibrate`";
    }

    private static string Name(ServingEngine engine) => engine switch
    {
        ServingEngine.TensorRtLlm => "TensorRT-LLM",
        ServingEngine.Sglang => "SGLang",
        _ => "vLLM",
    };

    /// <summary>How far an older release of the engine was measured to move the same run.</summary>
    private static string Evidence(ServingEngine engine) => engine switch
    {
        ServingEngine.TensorRtLlm => "on TensorRT-LLM 0.9.0's measured static batches Hopper in FP8 decoded 10-46 % slower than the 1.x factors give",
        ServingEngine.Sglang => "InferenceX's DeepSeek-R1 runs on MI300X took 1.7 times as long per output token under SGLang 0.5.9 as under 0.5.12 (a median TPOT of 24.4 against 14.6 ms at 4 users, 1k/1k)",
        _ => "InferenceX's reruns of one configuration moved its median time per output token by 1.18 times in the median over releases",
    };
}
