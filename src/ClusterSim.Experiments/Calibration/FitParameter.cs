using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Calibration;

/// <summary>
/// One step-time factor the calibrator may move: how to read and set it, and its range (a fraction in (0, 1] or a
/// positive quantity), which the optimiser sees through a transform so that every trial value is valid.
/// </summary>
public sealed record FitParameter(string Name, Func<EfficiencyFactors, double> Get, Func<EfficiencyFactors, double, EfficiencyFactors> Set, bool IsFraction, double ZeroStart = 0)
{
    /// <summary>Every factor the calibrator knows, by the name the calibration CSV and the command line use.</summary>
    public static IReadOnlyList<FitParameter> All { get; } =
    [
        new("gemm_efficiency", f => f.Compute, (f, v) => f with { Compute = v }, true),
        new("expert_dequant_efficiency", f => f.DequantExpert, (f, v) => f with { DequantExpert = v }, true),
        new("expert_half_width", f => f.ExpertHalfWidth, (f, v) => f with { ExpertHalfWidth = v }, false, ZeroStart: 428),
        new("gemm_half_tokens", f => f.GemmHalfTokens, (f, v) => f with { GemmHalfTokens = v }, false, ZeroStart: 64),
        new("expert_half_tokens", f => f.ExpertTileRows, (f, v) => f with { ExpertHalfTokens = v }, false, ZeroStart: 64),
        new("gemm_kernel_us", f => f.GemmKernelSeconds * 1e6, (f, v) => f with { GemmKernelSeconds = v / 1e6 }, false, ZeroStart: 4),
        new("memory_efficiency", f => f.Memory, (f, v) => f with { Memory = v }, true),
        new("attention_efficiency", f => f.Attention, (f, v) => f with { Attention = v }, true),
        new("mla_attention_efficiency", f => f.AttentionFor(mla: true), (f, v) => f with { MlaAttention = v }, true),
        new("kv_read_efficiency", f => f.KvRead, (f, v) => f with { KvRead = v }, true),
        new("state_update_efficiency", f => f.StateUpdateFor, (f, v) => f with { StateUpdate = v }, true),
        new("scan_efficiency", f => f.ScanFor, (f, v) => f with { Scan = v }, true),
        new("link_efficiency", f => f.Link, (f, v) => f with { Link = v }, true),
        new(CalibrationCatalog.LatencyColumn, f => f.CollectiveLatencySeconds * 1e6, (f, v) => f with { CollectiveLatencySeconds = v / 1e6 }, false, ZeroStart: 2),
        new(CalibrationCatalog.LaunchColumn, f => f.CollectiveLaunchSeconds * 1e6, (f, v) => f with { CollectiveLaunchSeconds = v / 1e6 }, false, ZeroStart: 5),
        new(CalibrationCatalog.NetworkLatencyColumn, f => f.NetworkLatencySeconds * 1e6, (f, v) => f with { NetworkLatencySeconds = v / 1e6 }, false, ZeroStart: Collective.NetworkStepLatencySeconds * 1e6),
        new("step_overhead_ms", f => f.IterationOverheadSeconds * 1e3, (f, v) => f with { IterationOverheadSeconds = v / 1e3 }, false, ZeroStart: 1),
        new("sequence_overhead_us", f => f.SequenceOverheadSeconds * 1e6, (f, v) => f with { SequenceOverheadSeconds = v / 1e6 }, false, ZeroStart: 1),
        new("request_overhead_ms", f => f.RequestOverheadSeconds * 1e3, (f, v) => f with { RequestOverheadSeconds = v / 1e3 }, false, ZeroStart: 5),
        new("sampler_sm_cycles_per_entry", f => f.SamplerCyclesPerEntry, (f, v) => f with { SamplerCyclesPerEntry = v }, false, ZeroStart: 48.3),
    ];

    /// <summary>The parameters named in a comma-separated list; throws naming an unknown one.</summary>
    public static IReadOnlyList<FitParameter> Parse(string names) =>
        names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => All.FirstOrDefault(p => p.Name == n) ?? throw new ArgumentException($"unknown parameter '{n}'{ClosestName.Hint(n, All.Select(p => p.Name))}; known: {string.Join(", ", All.Select(p => p.Name))}"))
            .ToList();

    /// <summary>
    /// Where a fit of this parameter starts from <paramref name="factors"/>: their value, or <see cref="ZeroStart"/> (a
    /// typical magnitude, from the shipped fits) for a positive quantity at 0 (a term the calibration leaves out), whose
    /// log the simplex could not leave: a fit started there stays near 0 whatever the runs say.
    /// </summary>
    public double StartValue(EfficiencyFactors factors) => !IsFraction && ZeroStart > 0 && Get(factors) <= 0 ? ZeroStart : Get(factors);

    /// <summary>The optimiser's unconstrained coordinate for a value (logit for a fraction, log for a positive quantity).</summary>
    public double ToFree(double value)
    {
        if (IsFraction)
        {
            double p = Math.Clamp(value, 1e-4, 1 - 1e-4);
            return Math.Log(p / (1 - p));
        }

        return Math.Log(Math.Max(value, 1e-6));
    }

    /// <summary>The value of an unconstrained coordinate.</summary>
    public double FromFree(double free) => IsFraction ? 1 / (1 + Math.Exp(-free)) : Math.Exp(free);
}
