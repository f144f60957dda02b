namespace ClusterSim.Core.Performance;

/// <summary>
/// vLLM V0's multi-step scheduling (<c>--num-scheduler-steps N</c>, 0.6 to 0.9): the scheduler runs once and the model
/// runner builds its inputs once for a window of N decode steps, which then run back to back (each step's inputs advanced
/// on the GPU); the sampled tokens are handed to the output processor as they come. So a decode step pays the step's
/// overhead and the scheduling and input-building share of each sequence's overhead once per window, and each token's
/// output processing (detokenising, stop checks, appending to its sequence) every step. A step that prefills is scheduled
/// on its own and pays them whole. The replica keeps a window's batch for its N steps (an arrival waits for the window's
/// end); a sequence that finishes inside one leaves at its last token rather than computing to the end.
/// </summary>
public static class VllmMultiStep
{
    /// <summary>
    /// The share of the calibration's per-sequence overhead (<see cref="EfficiencyFactors.SequenceOverheadSeconds"/>)
    /// that is each step's output processing, paid every step of a window; the rest is scheduling and input building,
    /// paid once a window. Fitted (5 December 2026) on Azure's six Llama 3.1 8B offline runs on one MI300X under ROCm's
    /// vLLM V0 image with ten scheduler steps (data/published/azure-mi300x-vllm-runs.csv, output throughput; 0.30) and
    /// held out on the same guide's twelve Llama 3.1 70B and 405B runs at TP 8 (docs/calibration.md, "vLLM's multi-step
    /// scheduling").
    /// </summary>
    public const double OutputProcessingShare = 0.30;

    /// <summary>The most scheduler steps a window takes here (vLLM's own examples and benchmarks use 8 to 16).</summary>
    public const int MaxSteps = 64;

    /// <summary>The first vLLM release whose default engine (V1) has no multi-step scheduling; V0 keeps it until it is removed.</summary>
    public static readonly EngineRelease FirstV1Default = new(0, 8);

    /// <summary>
    /// A decode step's overhead, s, in a window of <paramref name="steps"/>: <paramref name="stepSeconds"/> and the
    /// scheduling share of <paramref name="sequenceSeconds"/> × <paramref name="sequences"/> over the window, the output
    /// processing share every step (the step model calls it for windows of two or more; one step keeps its own sum).
    /// </summary>
    public static double DecodeOverhead(double stepSeconds, double sequenceSeconds, int sequences, int steps) =>
        ((stepSeconds + ((1 - OutputProcessingShare) * sequenceSeconds * sequences)) / steps) + (OutputProcessingShare * sequenceSeconds * sequences);
}
