using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// A published vLLM 0.23 sweep on one RTX A6000 (data/published/rtx-a6000-vllm-runs.csv): Qwen2.5 7B in BF16 under one
/// to eight users, where a step is the weights streamed over GDDR6. The card runs on the generic row; every row is held out.
/// </summary>
public class RtxA6000ReplayTests
{
    private static readonly ReplayReport Report = ReplayReport.Run(
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "rtx-a6000-vllm-runs.csv")), SimCatalog.Default);

    [Fact]
    public void Decode_bound_steps_on_the_workstation_card_land_within_ten_percent()
    {
        // Measured on 7 December 2026: TPOT +6.3, +6.6, +6.4 and +5.4 % at 1, 2, 4 and 8 users; throughput +0.3, -2.2,
        // +6.5 and +0.6 %. The card streams its weights a little faster than H100's share of its datasheet says.
        Assert.Equal(4, Report.Outcomes.Count);
        Assert.All(Report.Outcomes, o =>
        {
            Assert.Equal("generic/bf16", o.Case.Calibration.Name);
            Assert.InRange(o.TpotP50Error, 0, 0.10);
            Assert.InRange(o.ThroughputError, -0.08, 0.08);
        });
    }
}
