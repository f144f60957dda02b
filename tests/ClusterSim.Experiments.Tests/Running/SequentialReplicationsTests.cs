using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Tests.Files;
using ClusterSim.Experiments.Tests.Results;

namespace ClusterSim.Experiments.Tests.Running;

/// <summary>Sequential replications: each point runs until its metric's 95 % interval is within the share asked, or the most allowed.</summary>
public class SequentialReplicationsTests
{
    // Four points; at 400 requests the TTFT p99 scatters from seed to seed, so some points need more than the minimum.
    private static string Yaml(string rule) => ExperimentLoaderTests.Valid.Replace("replications: 2", $"replications: {rule}", StringComparison.Ordinal);

    private static readonly Experiment Sequential = ExperimentLoader.Parse(Yaml("{ min: 3, max: 12, metric: ttft_p99_s, relative_half_width: 0.05 }"), "exp.yaml");

    [Fact]
    public void Each_point_stops_at_the_first_count_whose_interval_is_narrow_enough_or_at_the_most_allowed()
    {
        ReplicationTarget until = Sequential.Until!;
        IReadOnlyList<PointResult> results = ExperimentRunner.Run(Sequential, workers: 2);
        Assert.Equal(4, results.Count);
        foreach (PointResult point in results)
        {
            double[] values = [.. point.Replications.Select(until.ValueOf)];
            int n = values.Length;
            Assert.InRange(n, 3, 12);
            for (int k = 3; k < n; k++)
            {
                Assert.False(until.Narrow(values[..k]), $"{point.Point.Label}: {k} replications were narrow enough, yet it ran {n}");
            }

            Assert.True(n == 12 || until.Narrow(values), $"{point.Point.Label}: stopped at {n} with a wide interval");
            MetricSummary summary = point.Metric("ttft_p99_s");
            Assert.Equal(n, summary.Samples);
            Assert.Equal(Statistics.Summarise("ttft_p99_s", values).HalfWidth95, summary.HalfWidth95);
        }

        // Not vacuous: some point needed more than the minimum, and the seeds are those of a fixed count's replications.
        Assert.Contains(results, r => r.Replications.Count > 3);
        IReadOnlyList<PointResult> fixedThree = ExperimentRunner.Run(ExperimentLoader.Parse(Yaml("3"), "exp.yaml"), workers: 2);
        Assert.Equal(fixedThree[0].Replications[2].Scalars(), results[0].Replications[2].Scalars());
    }

    [Fact]
    public void The_counts_and_every_figure_are_the_same_whatever_the_worker_count()
    {
        string one = ResultWriter.SummaryCsv(ExperimentRunner.Run(Sequential, workers: 1));
        string three = ResultWriter.SummaryCsv(ExperimentRunner.Run(Sequential, workers: 3));
        Assert.Equal(one, three);
    }

    [Fact]
    public void A_resumed_run_reads_its_points_back_and_runs_nothing_again()
    {
        using var folder = new ResultsFolder();
        var options = new RunOptions { Workers = 2, Directory = folder["run"] };
        ResultWriter.WriteSummary(folder["run"], ExperimentRunner.Run(Sequential, options));
        var before = ResultsFolder.Contents(folder["run"]);

        var reports = new List<RunProgress>();
        var results = ExperimentRunner.Run(Sequential, options with { Resume = true }, new Progress(reports));
        Assert.Equal(reports[0].Total, reports[0].Finished);   // every point read back: nothing left to run
        Assert.Equal(results.Sum(r => r.Replications.Count), reports[0].Total);
        ResultWriter.WriteSummary(folder["run"], results);
        Assert.Equal(before, ResultsFolder.Contents(folder["run"]));
    }

    [Fact]
    public void A_point_file_stopped_elsewhere_than_the_rule_says_is_not_trusted()
    {
        using var folder = new ResultsFolder();
        IReadOnlyList<PointResult> stored = ExperimentRunner.Run(Sequential, new RunOptions { Workers = 2, Directory = folder["run"] });
        PointResult longest = stored.MaxBy(r => r.Replications.Count)!;
        Assert.True(longest.Replications.Count > 3);

        // Read under a wider rule, which stops those same results at the minimum, the file is refused (and so run again).
        Experiment wider = ExperimentLoader.Parse(Yaml("{ min: 3, max: 12, metric: ttft_p99_s, relative_half_width: 0.5 }"), "exp.yaml");
        Assert.Equal(3, wider.Until!.StopAt(longest.Replications, 3));
        var error = Assert.Throws<InvalidDataException>(() => PointFiles.TryRead(folder["run"], wider, longest.Point));
        Assert.Contains($"holds {longest.Replications.Count} replication(s)", error.Message, StringComparison.Ordinal);
        Assert.NotNull(PointFiles.TryRead(folder["run"], Sequential, longest.Point));
    }

    [Fact]
    public void A_metric_the_runs_do_not_report_is_refused_at_its_line_before_any_file_is_written()
    {
        using var folder = new ResultsFolder();
        Experiment training = ExperimentLoader.Parse(Yaml("{ min: 2, max: 5, metric: wall_days, relative_half_width: 0.05 }"), "exp.yaml");
        var error = Assert.Throws<InvalidDataException>(() => ExperimentRunner.Run(training, new RunOptions { Workers = 2, Directory = folder["run"] }));
        Assert.StartsWith("exp.yaml:3:", error.Message, StringComparison.Ordinal);
        Assert.Contains("do not report 'wall_days'", error.Message, StringComparison.Ordinal);
        Assert.Contains("ttft_p99_s", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder["run"]) && Directory.EnumerateFileSystemEntries(folder["run"]).Any(), "no results directory that looks like a run");
    }

    [Fact]
    public void The_findings_say_how_many_each_point_ran_and_which_the_most_allowed_left_wide()
    {
        Experiment capped = ExperimentLoader.Parse(Yaml("{ min: 2, max: 3, metric: ttft_p99_s, relative_half_width: 0.01 }"), "exp.yaml");
        IReadOnlyList<PointResult> results = ExperimentRunner.Run(capped, workers: 2);
        int[] counts = [.. results.Select(r => r.Replications.Count)];
        var wide = results.Where(r => !capped.Until!.Narrow([.. r.Replications.Select(capped.Until.ValueOf)])).ToList();
        Assert.NotEmpty(wide);
        Assert.All(wide, r => Assert.Equal(3, r.Replications.Count));

        var findings = ExperimentFindings.Of(capped, results).ToList();
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Replications until ttft_p99_s is within ±1 %: {counts.Min()} to {counts.Max()} a point (mean {counts.Average():0.#}, {counts.Sum()} runs)."), findings);
        Assert.Equal(wide.Select(r => r.Point.Label), findings.Where(f => f.Contains("the most allowed", StringComparison.Ordinal)).Select(f => f[6..f.IndexOf(':', StringComparison.Ordinal)]));
        Assert.Equal("2 to 3 replications until ttft_p99_s is within ±1 %", capped.ReplicationsText);
    }

    private sealed class Progress(List<RunProgress> reports) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => reports.Add(value);
    }
}
