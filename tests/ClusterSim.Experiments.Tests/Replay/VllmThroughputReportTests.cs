using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Replay;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// vLLM's offline throughput benchmark (<c>vllm bench throughput</c>) read as a measured run: its printout (rates and
/// totals) or its <c>--output-json</c> with the lengths given, replayed all at once through the offline LLM class in
/// process and scored on output throughput.
/// </summary>
public class VllmThroughputReportTests
{
    /// <summary>A printout as the benchmark writes it after its engine's log (1,000 requests of 256 and 256 tokens).</summary>
    private const string Printout = """
        INFO 12-06 10:00:00 [llm.py:297] Supported tasks: ['generate']
        Processed prompts: 100%|██████████| 1000/1000 [00:29<00:00, 34.14it/s]
        Throughput: 34.14 requests/s, 17466.30 total tokens/s, 8739.16 output tokens/s
        Total num prompt tokens:  255648
        Total num output tokens:  256000
        """;

    private static readonly ServingSetup Setup = new() { Gpu = "H100", Model = "llama-3.1-8b" };

    [Fact]
    public void A_printout_is_one_offline_run_in_the_llm_class_with_the_totals_mean_lengths()
    {
        Assert.True(VllmThroughputReport.Holds(Printout));
        MeasuredRun run = Assert.Single(VllmThroughputReport.Parse(Printout, "throughput.log", Setup));
        // 256,000 output tokens at 8,739.16 a second take 29.29 s; 34.14 requests a second over them are 1,000 requests.
        Assert.Equal(1000, run.Requests);
        Assert.Equal(256000 / 8739.16, run.DurationSeconds!.Value, 9);
        Assert.Equal((255.648, 256.0), (run.InputTokens!.Value, run.OutputTokens!.Value));
        Assert.Equal(8739.16, run.ThroughputTokensPerSecond);
        Assert.Equal(("offline", true, VllmEntryPoint.OfflineLlm, "vllm", "temperature"), (run.Arrival, run.InProcess, run.VllmEntry, run.Engine, run.Sampling));
        Assert.Equal(("throughput", 3), (run.Experiment, run.Line));
        Assert.Null(run.TtftMs);
    }

    [Fact]
    public void A_log_of_several_runs_names_each_after_its_line_and_an_old_printout_is_sent_to_the_json()
    {
        string sweep = Printout + "\n" + Printout.Replace("34.14 requests/s", "17.07 requests/s", StringComparison.Ordinal).Replace("8739.16 output", "4369.58 output", StringComparison.Ordinal);
        IReadOnlyList<MeasuredRun> runs = VllmThroughputReport.Parse(sweep, "sweep.log", Setup);
        Assert.Equal(["sweep#3", "sweep#8"], runs.Select(r => r.Experiment));
        Assert.Equal([1000, 1000], runs.Select(r => r.Requests));
        Assert.Equal(2 * runs[0].DurationSeconds!.Value, runs[1].DurationSeconds!.Value, 6);

        CatalogException old = Assert.Throws<CatalogException>(() => VllmThroughputReport.Parse("Throughput: 7.15 requests/s, 4656.00 tokens/s\n", "old.log", Setup));
        Assert.StartsWith("old.log:1: field 'output tokens/s'", old.Message, StringComparison.Ordinal);
        Assert.Contains("--output-json", old.Message, StringComparison.Ordinal);
        CatalogException cut = Assert.Throws<CatalogException>(() => VllmThroughputReport.Parse(Printout.Replace("Total num output tokens:  256000", string.Empty, StringComparison.Ordinal), "cut.log", Setup));
        Assert.Contains("no 'Total num output tokens:' line", cut.Message, StringComparison.Ordinal);
        Assert.Throws<CatalogException>(() => VllmThroughputReport.Parse(Printout, "throughput.log", Setup with { Gpu = null }));
    }

    [Fact]
    public void The_json_needs_the_lengths_it_ran_with_and_they_must_add_up_to_its_total()
    {
        const string Json = """{ "elapsed_time": 29.29, "num_requests": 1000, "total_num_tokens": 511648, "requests_per_second": 34.14, "tokens_per_second": 17466.3 }""";
        CatalogException none = Assert.Throws<CatalogException>(() => BenchmarkServingFile.ParseAll(Json, "throughput.json", Setup));
        Assert.Contains("give the lengths it ran with (--input-len, --output-len)", none.Message, StringComparison.Ordinal);
        CatalogException wrong = Assert.Throws<CatalogException>(() => BenchmarkServingFile.ParseAll(Json, "throughput.json", Setup with { InputLength = 1024, OutputLength = 256 }));
        Assert.Contains("511,648 tokens is not 1,000 requests of --input-len 1024 and --output-len 256", wrong.Message, StringComparison.Ordinal);

        MeasuredRun run = Assert.Single(BenchmarkServingFile.ParseAll(Json, "throughput.json", Setup with { InputLength = 256, OutputLength = 256 }));
        Assert.Equal((1000, 256.0, 256.0), (run.Requests, run.InputTokens!.Value, run.OutputTokens!.Value));
        Assert.Equal(256_000 / 29.29, run.ThroughputTokensPerSecond!.Value, 9);
        Assert.Equal(("offline", VllmEntryPoint.OfflineLlm), (run.Arrival, run.VllmEntry));
    }

    [Fact]
    public void A_printout_of_the_simulators_own_figure_replays_to_it()
    {
        // Replay the printout, print what the simulation gave back in its place, replay that: the error vanishes.
        ReplayOutcome first = Assert.Single(ReplayReport.Run(VllmThroughputReport.Parse(Printout, "throughput.log", Setup), SimCatalog.Default).Outcomes);
        Assert.Equal(ReplayArrival.AllAtOnce, first.Case.Arrival);
        Assert.True(first.Case.InProcessSubmission);
        double simulated = first.Simulated.OutputTokensPerSecond;
        Assert.True(simulated > 1000, $"{simulated} output tokens/s");
        string own = Printout
            .Replace("34.14 requests/s", string.Create(CultureInfo.InvariantCulture, $"{simulated / 256:R} requests/s"), StringComparison.Ordinal)
            .Replace("8739.16 output", string.Create(CultureInfo.InvariantCulture, $"{simulated:R} output"), StringComparison.Ordinal);
        ReplayOutcome again = Assert.Single(ReplayReport.Run(VllmThroughputReport.Parse(own, "throughput.log", Setup), SimCatalog.Default).Outcomes);
        Assert.InRange(again.ThroughputError, -1e-9, 1e-9);
    }
}
