using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Running;
using ClusterSim.Reporting.Charts;
using ClusterSim.Reporting.Report;

namespace ClusterSim.Reporting.Tests.Report;

public class ReportChartsTests
{
    private static ChartSeries Costs(double[] means, double halfWidth) => new("cost", SeriesKind.Bar, [0, 1, 2, 3], means)
    {
        Lower = [.. means.Select(m => m - halfWidth)],
        Upper = [.. means.Select(m => m + halfWidth)],
    };

    [Fact]
    public void Categorical_bars_sort_best_first_and_mark_the_winner()
    {
        (string[] labels, ChartSeries series) = ReportCharts.BestFirst(["a", "b", "c", "d"], Costs([0.3, double.NaN, 0.1, 0.2], 0.01), better: -1);
        Assert.Equal(["c", "d", "a", "b"], labels);
        Assert.Equal([0.1, 0.2, 0.3], series.Y.Take(3));
        Assert.Equal([0.09, 0.19, 0.29], series.Lower!.Take(3), (x, y) => Math.Abs(x - y) < 1e-12);
        Assert.Equal(0, series.Best);
        Assert.False(series.BestTied);

        (labels, series) = ReportCharts.BestFirst(["a", "b", "c", "d"], Costs([0.3, 0.5, 0.1, 0.2], 0.01), better: 1);
        Assert.Equal(["b", "a", "d", "c"], labels);
    }

    [Fact]
    public void A_winner_inside_the_runner_up_interval_is_a_tie_and_an_unknown_direction_has_no_winner()
    {
        (_, ChartSeries tied) = ReportCharts.BestFirst(["a", "b", "c", "d"], Costs([0.084, 0.086, 0.15, 0.2], 0.005), better: -1);
        Assert.True(tied.BestTied);

        (string[] labels, ChartSeries none) = ReportCharts.BestFirst(["a", "b", "c", "d"], Costs([3, 1, 2, 4], 0.1), better: 0);
        Assert.Equal(["a", "b", "c", "d"], labels);
        Assert.Null(none.Best);
    }

    [Theory]
    [InlineData("cost_per_mtok_at_launch", -1)]
    [InlineData("choice.distilled-8b.payback_days", -1)]
    [InlineData("ttft_p99_s", -1)]
    [InlineData("throughput_output_tok_s", 1)]
    [InlineData("choice.int4-70b.quality", 1)]
    [InlineData("slo_attainment", 1)]
    [InlineData("fleet_accelerators_at_launch", 0)]
    public void A_metric_name_says_which_way_is_better(string metric, int better) =>
        Assert.Equal(better, MetricDirection.Better(metric));

    /// <summary>
    /// A sweep chart's value axis reads in the metric catalog's unit: step times in seconds, shares as percentages (capped
    /// just above 100 %), rates, days and dollars; a latency's "(s)" and a rate's "(tok/s)" leave its name, the ticks carrying them; a metric the
    /// catalog lacks reads as dollars when its name says cost, otherwise as plain numbers.
    /// </summary>
    [Theory]
    [InlineData("step_s", "step time", UnitKind.Seconds)]
    [InlineData("ttft_mean_s", "mean time to first token", UnitKind.Seconds)]
    [InlineData("mfu_run", "MFU over the whole run", UnitKind.Percent)]
    [InlineData("slo_attainment", "share of requests within the SLO", UnitKind.Percent)]
    [InlineData("throughput_output_tok_s", "output throughput", UnitKind.TokensPerSecond)]
    [InlineData("wall_days", "wall-clock days", UnitKind.Days)]
    [InlineData("cost_per_mtok_at_launch", "cost per million output tokens", UnitKind.Usd)]
    [InlineData("my_cost_estimate", "my cost estimate", UnitKind.Usd)]
    [InlineData("widgets", "widgets", UnitKind.Number)]
    public void A_metric_reads_on_an_axis_of_its_unit(string metric, string label, UnitKind unit)
    {
        Axis axis = ReportCharts.MetricAxis(metric);

        Assert.Equal(label, axis.Label);
        Assert.Equal(unit, axis.Unit);
        Assert.Equal(unit == UnitKind.Percent ? 1.1 : null, axis.Max);
    }

    [Theory]
    [InlineData("serving.hardware", "hardware")]
    [InlineData("workload.arrival.load", "arrival load")]
    [InlineData("serving.scheduler.kind", "scheduler kind")]
    [InlineData("cluster.pools.h100.count", "h100 count")]
    [InlineData("lifecycle.demand.output_tokens_per_day", "output tokens per day")]
    public void Swept_paths_read_as_names(string path, string human) => Assert.Equal(human, ReportCharts.Human(path));

    [Theory]
    [InlineData(0.2833, 6.622e-05, "0.2833 <span class=\"ci\">± 0.0001</span>")]
    [InlineData(0.2833, 1e-06, "0.2833 <span class=\"ci\">± &lt;0.0001</span>")]
    [InlineData(1.712e-06, 0, "0.000001712")]
    [InlineData(75_600_000, 1_234_567.8, "75,600,000 <span class=\"ci\">± 1,234,568</span>")]
    [InlineData(42.8, 5.46, "42.8 <span class=\"ci\">± 5.46</span>")]
    [InlineData(double.NaN, 0, "–")]
    public void Table_cells_read_in_plain_decimals(double mean, double halfWidth, string expected) =>
        Assert.Equal(expected, HtmlReport.Cell(mean, halfWidth));

    [Fact]
    public void A_range_swept_on_a_log_scale_is_drawn_on_a_log_axis()
    {
        const string Yaml = """
            name: log-sweep
            serving: { model: llama-3.1-8b, hardware: H100-SXM }
            workload: { arrival: { rate: 1 }, requests: 20 }
            sweep:
              mode: random
              samples: 4
              parameters:
                workload.arrival.rate: { min: 0.1, max: 100, log: true }
                serving.scheduler.max_sequences: { min: 16, max: 256, integer: true }
            """;
        Experiment experiment = ExperimentLoader.Parse(Yaml, "log-sweep.yaml");
        var charts = ReportCharts.For(experiment, ExperimentRunner.Run(experiment, 2)).ToList();
        Assert.True(charts.Single(c => c.Id == "samples-0").X.Log);
        Assert.False(charts.Single(c => c.Id == "samples-1").X.Log);
        Assert.Equal("arrival rate", charts.Single(c => c.Id == "samples-0").X.Label);
    }
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Lifecycle_curves_of_one_replication_say_so_beside_a_summary_of_means(int replications)
    {
        string yaml = $$"""
            name: small-crossover
            replications: {{replications}}
            training:
              model: llama-3.1-8b
              hardware: H100-SXM
              accelerators: 256
              tokens: 1e11
              global_batch_tokens: 4194304
              sequence_length: 8192
              parallelism: { tensor: 1, pipeline: 1, data: 256 }
              price_per_hour: 2.35
            serving: { model: llama-3.1-8b, hardware: H100-SXM }
            workload: { requests: 300 }
            slo: { ttft_s: 2.0, tpot_s: 0.1 }
            lifecycle:
              horizon_days: 30
              demand: { output_tokens_per_day: 1e9 }
              price: { per_hour: 2.35 }
            """;
        Experiment experiment = ExperimentLoader.Parse(yaml, "small-crossover.yaml");
        var charts = ReportCharts.For(experiment, ExperimentRunner.Run(experiment, 2)).ToList();
        foreach (string id in new[] { "fleet", "cost-per-token" })
        {
            string subtitle = charts.Single(c => c.Id == id).Subtitle!;
            Assert.Equal(replications > 1, subtitle.Contains($"replication 1 of {replications}", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("serving.speculative.acceptance: [0.4, 0.8]", "acceptance 0.4 p50")]   // a number says what it is
    [InlineData("serving.scheduler.kind: [continuous, static]", "continuous p50")]      // a name says it by itself
    public void Load_curves_are_labelled_by_what_else_was_swept(string sweep, string first)
    {
        string yaml = $$"""
            name: curves
            serving: { model: llama-3.1-8b, hardware: H100-SXM, weights: fp8, kv_cache: fp8, speculative: { method: ngram, tokens: 2, acceptance: 0.5 } }
            workload: { arrival: { rate: 2 }, prompt_tokens: { kind: fixed, mean: 200 }, output_tokens: { kind: fixed, mean: 50 }, requests: 60 }
            sweep:
              parameters:
                {{sweep}}
                workload.arrival.rate: [2, 8]
            """;
        Experiment experiment = ExperimentLoader.Parse(yaml, "curves.yaml");
        Chart tpot = ReportCharts.For(experiment, ExperimentRunner.Run(experiment, 2)).Single(c => c.Id == "tpot-vs-throughput");
        Assert.Equal(first, tpot.Series[0].Name);
    }
}
