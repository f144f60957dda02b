using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// TensorRT-LLM 0.12.0's performance overview (data/published/trtllm-0.12-overview-runs.csv): trtllm-bench's offline
/// in-flight-batching throughput of Llama 2 7B and 70B, Llama 3 8B and 70B, Mistral 7B and Mixtral 8x7B on H200 and H100 in
/// FP8, H100 and A100 in FP16 and L40S in FP8, TP 1 to 8, five length pairs, thousands of requests at once. Three H100
/// and three A100 FP16 rows are hopper-trtllm/bf16's and ampere-trtllm/bf16's fit (their GEMM efficiency); the other 233
/// are held out.
/// </summary>
public class TrtllmOverviewReplayTests
{
    private static readonly ReplayReport Report = ReplayReport.Run(
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "trtllm-0.12-overview-runs.csv")), SimCatalog.Default);

    private static IEnumerable<ReplayOutcome> HeldOut => Report.Outcomes.Where(o => o.Row.Set == "heldout");

    private static double Median(IEnumerable<ReplayOutcome> outcomes) => ReplayReport.MedianAbsolute(outcomes, o => o.ThroughputError);

    private static IEnumerable<ReplayOutcome> On(string chip, Precision weights) =>
        HeldOut.Where(o => o.Case.Deployment.Accelerator.Id == chip && o.Case.Deployment.Weights == weights);

    [Fact]
    public void Every_row_replays_with_the_limits_its_engine_was_built_with()
    {
        Assert.Equal(239, Report.Outcomes.Count);
        Assert.Empty(Report.Skipped);
        // The six rows the 16-bit TensorRT-LLM rows' GEMM efficiencies were fitted on: three on H100, three on A100.
        Assert.Equal(["ampere-trtllm/bf16", "ampere-trtllm/bf16", "ampere-trtllm/bf16", "hopper-trtllm/bf16", "hopper-trtllm/bf16", "hopper-trtllm/bf16"],
            Report.Outcomes.Where(o => o.Row.Set == "fit").Select(o => o.Case.Calibration.Name).Order());
        // benchmark_config.yml's limits where it lists the model and TP (Llama 2 70B at TP 2: 2,048 sequences, 2,048 tokens).
        ReplayOutcome tp2 = Report.Outcomes.First(o => o.Row.Experiment.StartsWith("trt012-llama2-70b-h200-tp2-", StringComparison.Ordinal));
        Assert.Equal((2048, 2048), (tp2.Case.Scheduler.MaxSequences, tp2.Case.Scheduler.MaxBatchedTokens));
    }

    [Theory]
    [InlineData("L40S", Precision.FP8, 0.10)]        // measured 7.2 % on 2 December 2026
    [InlineData("H100-SXM", Precision.FP8, 0.13)]    // 9.6 % on hopper-trtllm@0.x/fp8 (its rows name 0.12.0; 11.5 % on the 1.x row)
    [InlineData("H200", Precision.FP8, 0.19)]        // 15.2 % (16.3 % on the 1.x row)
    [InlineData("A100-80GB", Precision.BF16, 0.16)]  // 13.0 % on ampere-trtllm/bf16 ("Mixed": FP16; 16.6 % on the generic row)
    [InlineData("H100-SXM", Precision.BF16, 0.17)]   // 13.9 % on hopper-trtllm/bf16 (28.1 % on the generic row before it)
    public void Throughput_lands_within_its_bound(string chip, Precision weights, double bound)
    {
        double median = Median(On(chip, weights));
        Assert.True(median < bound, $"{chip} {weights}: median throughput error {median:P1}");
    }

    [Fact]
    public void One_accelerator_models_land_closer_than_sharded_ones()
    {
        // Measured on 5 December 2026: 3.1 % for the 69 held-out rows of 7-8B models at TP 1; 10.3 % for the 164 of 70B and
        // Mixtral at TP 2-8, optimistic in the median (+9.8 % signed): long decodes of large batches at TP >= 2 run slower
        // than the model gives (docs/calibration.md). 4.3 and 18.5 % before the collectives were refitted with decode
        // attention one block a head.
        var single = HeldOut.Where(o => o.Case.Deployment.TensorParallel == 1).ToList();
        var sharded = HeldOut.Where(o => o.Case.Deployment.TensorParallel > 1).ToList();
        Assert.True(Median(single) < 0.07, $"TP 1: {Median(single):P1}");
        Assert.True(Median(sharded) < 0.13, $"TP > 1: {Median(sharded):P1}");
        double signed = sharded.Select(o => o.ThroughputError).Order().ElementAt(sharded.Count / 2);
        Assert.True(signed > 0.05, $"TP > 1 median signed error {signed:P1} (TP 1: {Median(single):P1}, TP > 1: {Median(sharded):P1})");
    }

    [Fact]
    public void The_printed_groups_give_their_throughput_where_no_latency_is_published()
    {
        string table = ReplayTable.Markdown(Report);
        Assert.Contains("median |error| of output throughput over the 239 scored", table, StringComparison.Ordinal);
        string l40s = table.Split('\n').Single(l => l.StartsWith("  llama-2-7b on L40S, 5 scored rows:", StringComparison.Ordinal));
        // Its rows publish no mean latency, so the group's line gives its throughput without a row of dashes, and the
        // file's mean-latency medians, all dashes, are not printed.
        Assert.Matches(@"^  llama-2-7b on L40S, 5 scored rows: output throughput \d+\.\d %$", l40s);
        Assert.DoesNotContain("median |error| over 239 all scored rows", table, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.0002, "0.0 %")]     // printed "-+0.0 %" (Mistral 7B on H100 in FP16 at 128/128 came out 0.02 % short)
    [InlineData(0.0002, "0.0 %")]
    [InlineData(0.0, "0.0 %")]
    [InlineData(0.1234, "+12.3 %")]
    [InlineData(-0.5, "-50.0 %")]
    [InlineData(double.NaN, "-")]
    public void A_replayed_error_prints_with_one_sign(double error, string printed) => Assert.Equal(printed, ReplayTable.Percent(error));
}

