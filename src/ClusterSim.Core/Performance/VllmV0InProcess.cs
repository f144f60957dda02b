namespace ClusterSim.Core.Performance;

/// <summary>
/// vLLM's V0 engine (releases before 0.8) run as <c>AsyncLLMEngine</c> in its client's own process: the engine's step
/// loop and every request's streaming coroutine share one Python thread, so each step pays the scheduler, the model
/// runner's input preparation, the output processing and detokenising of every sequence, and each client's handling
/// of its token, in line with the GPU's work (V1 moved its engine core to a process of its own and overlaps it). The
/// calibration rows' engine overheads are V1's (fitted on 0.15 servers with async scheduling: 1.2 ms a step, 1.5 µs a
/// sequence); such a deployment takes these instead.
/// </summary>
/// <remarks>
/// Fitted (6 December 2026) on AccelMark's Llama 3 8B runs under its vLLM 0.7.3 runner on four hosts (an A100 40GB with an
/// EPYC 7532, an A100 80GB with an EPYC 7742, an H100 with a Xeon 8481C, an L4 with a 2.2 GHz Xeon): the grid point
/// (10 µs by 0.4 ms) with the least mean |log error| over their median TPOT at one user and at 5, 25 and 100 requests a
/// second and their closed loop of eight's throughput (data/published/accelmark-vllm-runs.csv). Left out a host at a
/// time, the other three ask for 60–120 µs and 2.0–2.4 ms and predict the one left out within a median 8–24 % (the
/// host's CPU sets the rate: the H100's Sapphire Rapids host runs 60 % faster than the fit on the EPYCs predicts). The
/// H200 run, whose host is two to three times slower than any other (a 0.5B model decodes 2.3 times slower on it than
/// on the H100), is held out as a named miss. With tensor parallelism the driver also ships each step's inputs, a
/// sequence's metadata at a time, to its worker processes, which unpack them before the step can start:
/// <see cref="WorkerSequenceOverheadSeconds"/> more a sequence, fitted on the same harness's Llama 3 70B runs on eight A100
/// 40GB (the grid's best, 10 µs apart) and held out on its Mixtral 8x7B runs on the same host (median TPOT within 5–16 %,
/// 37–43 % fast with the TP 1 figure alone). Not applied to V0 behind its OpenAI server or in the offline LLM class,
/// which keep the calibration's overheads and are told so: behind its server, on inference-perf's KubeCon V0 run (vLLM
/// 0.9.0, a GKE H100), V0's host work lay between V1's overheads (stages 20–57 % fast) and these (12–72 % slow), no
/// better in the median (docs/calibration.md).
/// </remarks>
public static class VllmV0InProcess
{
    /// <summary>Host time of one step, s.</summary>
    public const double StepOverheadSeconds = 2.0e-3;

    /// <summary>Host time of one sequence in a step, s.</summary>
    public const double SequenceOverheadSeconds = 80e-6;

    /// <summary>Host time of one sequence in a step, s, added when the engine drives tensor-parallel workers.</summary>
    public const double WorkerSequenceOverheadSeconds = 140e-6;

    /// <summary>
    /// True for vLLM's V0 engine (a release before V1, <see cref="VllmServerDefaults.FirstV1"/>, or one to 0.10 with
    /// <paramref name="useV1"/> false: <see cref="VllmServerDefaults.RunsV0"/>) started as an engine in the client's process.
    /// </summary>
    public static bool Applies(ServingEngine engine, string engineVersion, VllmEntryPoint entry, bool? useV1 = null) =>
        entry == VllmEntryPoint.Engine && V0(engine, engineVersion, useV1);

    /// <summary>
    /// True for a V0 release started otherwise (its server, the LLM class) and scheduling every step: it keeps the
    /// calibration's V1 overheads, unmeasured for V0, which a run or an experiment is told.
    /// </summary>
    public static bool Unmeasured(ServingEngine engine, string engineVersion, VllmEntryPoint entry, int multiStep, bool? useV1 = null) =>
        entry != VllmEntryPoint.Engine && multiStep == 1 && V0(engine, engineVersion, useV1);

    private static bool V0(ServingEngine engine, string engineVersion, bool? useV1) =>
        engine == ServingEngine.Vllm && VllmServerDefaults.RunsV0(engineVersion, useV1);

    /// <summary>What a deployment of <see cref="Unmeasured"/> is told about its overheads.</summary>
    public static string UnmeasuredNote(string engineVersion) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"vLLM {engineVersion} runs the V0 engine, whose host work a step was fitted in its client's process ({StepOverheadSeconds * 1e3:0.#} ms a step, {SequenceOverheadSeconds * 1e6:0} µs a sequence; VllmV0InProcess) and depends on the host; behind its server the calibration's overheads are V1's, so ITL under load will likely come out short (20–57 % on a GKE H100's V0 server)");

    /// <summary>A sequence's host time a step, s, for an engine over <paramref name="tensorParallel"/> accelerators.</summary>
    public static double SequenceSeconds(int tensorParallel) => SequenceOverheadSeconds + (tensorParallel > 1 ? WorkerSequenceOverheadSeconds : 0);

    /// <summary><paramref name="factors"/> with V0's in-process host costs, for <paramref name="tensorParallel"/> accelerators, in place of its engine overheads.</summary>
    public static EfficiencyFactors Apply(EfficiencyFactors factors, int tensorParallel)
    {
        ArgumentNullException.ThrowIfNull(factors);
        return factors with { IterationOverheadSeconds = StepOverheadSeconds, SequenceOverheadSeconds = SequenceSeconds(tensorParallel) };
    }
}
