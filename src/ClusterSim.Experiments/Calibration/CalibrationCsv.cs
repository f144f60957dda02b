using System.Globalization;
using System.Text;
using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Calibration;

/// <summary>Writes calibration rows in the layout of the shipped <c>calibration.csv</c>, which experiments read via <c>catalog: { calibration: FILE }</c>.</summary>
public static class CalibrationCsv
{
    /// <summary>The header of a calibration file.</summary>
    public const string Header = "id,precision,gemm_efficiency,expert_half_width,gemm_half_tokens,expert_half_tokens,gemm_kernel_us,memory_efficiency,attention_efficiency,mla_attention_efficiency,kv_read_efficiency,link_efficiency,allreduce_step_latency_us,step_overhead_ms,sequence_overhead_us,request_overhead_ms,expert_dequant_efficiency,sampler_sm_cycles_per_entry,network_step_latency_us,collective_launch_us,state_update_efficiency,scan_efficiency,fitted_on,fitted_release,source";

    /// <summary>The CSV text of <paramref name="rows"/>.</summary>
    public static string Write(IEnumerable<ServingCalibration> rows)
    {
        var text = new StringBuilder().AppendLine(Header);
        foreach (ServingCalibration c in rows)
        {
            EfficiencyFactors f = c.Factors;
            text.AppendLine(string.Join(',',
                c.Id, c.Precision.ToString().ToLowerInvariant(),
                N(f.Compute), N(f.ExpertHalfWidth), N(f.GemmHalfTokens), N(f.ExpertHalfTokens), N(f.GemmKernelSeconds * 1e6), N(f.Memory), N(f.Attention), N(f.MlaAttention), N(f.KvRead), N(f.Link),
                N(f.CollectiveLatencySeconds * 1e6), N(f.IterationOverheadSeconds * 1e3), N(f.SequenceOverheadSeconds * 1e6), N(f.RequestOverheadSeconds * 1e3), N(f.DequantExpert), N(f.SamplerCyclesPerEntry), N(f.NetworkLatencySeconds * 1e6), N(f.CollectiveLaunchSeconds * 1e6), N(f.StateUpdate), N(f.Scan),
                Quote(c.FittedOn), Quote(c.FittedRelease), Quote(c.Source)));
        }

        return text.ToString();
    }

    private static string N(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Quote(string text) => text.Contains(',', StringComparison.Ordinal) || text.Contains('"', StringComparison.Ordinal)
        ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : text;
}
