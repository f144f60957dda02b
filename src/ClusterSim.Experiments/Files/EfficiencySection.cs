using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using YamlDotNet.RepresentationModel;

namespace ClusterSim.Experiments.Files;

/// <summary>
/// Binds <c>serving.efficiency</c>: the deployment's calibration from the catalog (by accelerator and precision), each
/// factor overridable by name. An accelerator without a fitted calibration gets the generic one and a warning.
/// </summary>
internal static class EfficiencySection
{
    /// <summary>The deployment with its calibrated (and overridden) factors, and the warning for an uncalibrated one.</summary>
    public static (ServingDeployment Deployment, string? Warning) Apply(YamlReader r, YamlMappingNode serving, ServingDeployment deployment, CalibrationCatalog calibrations, string path = "serving.efficiency")
    {
        YamlMappingNode? eff = r.Mapping(
            YamlReader.Child(serving, "efficiency"), path,
            "compute", "dequant_expert", "expert_half_width", "gemm_half_tokens", "expert_half_tokens", "gemm_kernel_us", "memory", "attention", "mla_attention", "kv_read", "state_update", "scan", "link", "collective_latency_us", "collective_launch_us", "network_latency_us", "overhead_ms", "sequence_overhead_us", "request_overhead_ms", "sampler_sm_cycles_per_entry");
        var (calibration, warning) = calibrations.For(deployment.Accelerator, deployment.ComputePrecision, deployment.Engine, deployment.EngineVersion);
        EfficiencyFactors c = calibration.Factors;
        var factors = new EfficiencyFactors
        {
            Compute = r.Number(eff, "compute", path, c.Compute, 0, 1, exclusiveMin: true),
            DequantExpert = r.Number(eff, "dequant_expert", path, c.DequantExpert, 0, 1, exclusiveMin: true),
            ExpertHalfWidth = r.Number(eff, "expert_half_width", path, c.ExpertHalfWidth, 0),
            GemmHalfTokens = r.Number(eff, "gemm_half_tokens", path, c.GemmHalfTokens, 0),
            ExpertHalfTokens = r.Number(eff, "expert_half_tokens", path, c.ExpertHalfTokens, 0),
            GemmKernelSeconds = r.Number(eff, "gemm_kernel_us", path, c.GemmKernelSeconds * 1e6, 0, 10_000) / 1e6,   // a kernel is microseconds, not milliseconds
            Memory = r.Number(eff, "memory", path, c.Memory, 0, 1, exclusiveMin: true),
            Attention = r.Number(eff, "attention", path, c.Attention, 0, 1, exclusiveMin: true),
            MlaAttention = r.Number(eff, "mla_attention", path, c.MlaAttention, 0, 1),
            KvRead = r.Number(eff, "kv_read", path, c.KvRead, 0, 1, exclusiveMin: true),
            StateUpdate = r.Number(eff, "state_update", path, c.StateUpdate, 0, 1),
            Scan = r.Number(eff, "scan", path, c.Scan, 0, 1),
            Link = r.Number(eff, "link", path, c.Link, 0, 1, exclusiveMin: true),
            CollectiveLatencySeconds = r.Number(eff, "collective_latency_us", path, c.CollectiveLatencySeconds * 1e6, 0, 10_000) / 1e6,   // microseconds, not milliseconds
            CollectiveLaunchSeconds = r.Number(eff, "collective_launch_us", path, c.CollectiveLaunchSeconds * 1e6, 0, 10_000) / 1e6,
            NetworkLatencySeconds = r.Number(eff, "network_latency_us", path, c.NetworkLatencySeconds * 1e6, 0, 10_000) / 1e6,
            IterationOverheadSeconds = r.Number(eff, "overhead_ms", path, c.IterationOverheadSeconds * 1e3, 0) / 1e3,
            SequenceOverheadSeconds = r.Number(eff, "sequence_overhead_us", path, c.SequenceOverheadSeconds * 1e6, 0) / 1e6,
            RequestOverheadSeconds = r.Number(eff, "request_overhead_ms", path, c.RequestOverheadSeconds * 1e3, 0) / 1e3,
            SamplerCyclesPerEntry = r.Number(eff, "sampler_sm_cycles_per_entry", path, c.SamplerCyclesPerEntry, 0, 10_000),
        };
        // A resolved file writes a hybrid's recurrent shares out as the calibration derives them (its row leaves them at 0);
        // read back at exactly those values they are the derivation still, not an override.
        if (c.StateUpdate == 0 && factors.StateUpdate > 0 && factors.StateUpdate == (factors with { StateUpdate = 0 }).StateUpdateFor)
        {
            factors = factors with { StateUpdate = 0 };
        }

        if (c.Scan == 0 && factors.Scan > 0 && factors.Scan == (factors with { Scan = 0 }).ScanFor)
        {
            factors = factors with { Scan = 0 };
        }

        string name = factors == c ? calibration.Name : $"{calibration.Name} (overridden)";
        return (deployment with { Efficiency = factors, CalibrationName = name }, warning);
    }
}
