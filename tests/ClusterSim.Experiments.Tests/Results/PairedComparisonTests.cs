using System.Globalization;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Tests.Files;

namespace ClusterSim.Experiments.Tests.Results;

/// <summary><c>sweep.baseline</c>: every other point against it, replication by replication, on the study's sweep metrics.</summary>
public class PairedComparisonTests
{
    // One rate, two batch caps that both bind: the same requests arrive at both points (replication r shares its seed),
    // so their latencies rise and fall together from seed to seed and the difference is known far more tightly.
    private static string Yaml(string baseline) => ExperimentLoaderTests.Valid
        .Replace("replications: 2", "replications: 4", StringComparison.Ordinal)
        .Replace("workload.arrival.rate: [10, 30]", "workload.arrival.rate: [30]", StringComparison.Ordinal)
        .Replace("serving.scheduler.kind: [continuous, static]", "serving.scheduler.max_sequences: [8, 7]", StringComparison.Ordinal)
        + $"\n  baseline: {baseline}\n";

    [Fact]
    public void A_point_is_compared_with_the_baseline_by_the_mean_and_interval_of_its_paired_differences()
    {
        Experiment experiment = ExperimentLoader.Parse(Yaml("\"rate=30, max_sequences=8\""), "exp.yaml");
        Assert.Equal(0, experiment.Baseline);
        IReadOnlyList<PointResult> results = ExperimentRunner.Run(experiment, workers: 2);
        IReadOnlyList<string> metrics = results[0].Point.Study.SweepMetrics(results);
        Assert.Equal(["ttft_mean_s", "e2e_mean_s"], metrics);   // one offered rate: latency is what differs

        double[] Values(PointResult p, string metric) => [.. p.Replications.Select(r => r.Scalar(metric))];
        double[] d = [.. Values(results[1], "e2e_mean_s").Zip(Values(results[0], "e2e_mean_s"), (a, b) => a - b)];
        MetricSummary paired = Statistics.Summarise("e2e_mean_s", d);
        string sentence = Assert.Single(ExperimentFindings.Of(experiment, results), f => f.Contains(" against ", StringComparison.Ordinal));
        Assert.StartsWith("rate=30, max_sequences=7 against rate=30, max_sequences=8: ", sentence, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{paired.Mean:+0.###;-0.###;0} ± {paired.HalfWidth95:0.###} s"), sentence, StringComparison.Ordinal);
        Assert.EndsWith("(paired over 4 replication(s) with common random numbers).", sentence, StringComparison.Ordinal);

        // Common random numbers at work: the paired interval is narrower than the two points' own intervals combined.
        double unpaired = Math.Sqrt(Math.Pow(results[0].Metric("e2e_mean_s").HalfWidth95, 2) + Math.Pow(results[1].Metric("e2e_mean_s").HalfWidth95, 2));
        Assert.True(paired.HalfWidth95 < unpaired / 5, $"paired ±{paired.HalfWidth95}, unpaired ±{unpaired}");
        Assert.True(paired.Mean > paired.HalfWidth95, "one sequence fewer keeps requests waiting longer, beyond doubt");
    }

    [Fact]
    public void The_baseline_is_named_by_its_label_or_number_written_out_and_refused_when_no_point_has_it()
    {
        Experiment byNumber = ExperimentLoader.Parse(Yaml("1"), "exp.yaml");
        Assert.Equal(1, byNumber.Baseline);
        Assert.Contains("  baseline: \"1\"\n", byNumber.ResolvedText, StringComparison.Ordinal);
        Assert.Equal(byNumber.ResolvedText, ExperimentLoader.Parse(byNumber.ResolvedText, "resolved.yaml").ResolvedText);

        ExperimentProblem problem = Assert.Single(Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Yaml("\"rate=30, max_sequence=8\""), "exp.yaml")).Problems);
        Assert.Equal("sweep.baseline", problem.Path);
        Assert.Equal(19, problem.Line);
        Assert.Contains("did you mean 'rate=30, max_sequences=8'?", problem.Message, StringComparison.Ordinal);
        Assert.Contains("(0 to 1)", problem.Message, StringComparison.Ordinal);
        Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Yaml("2"), "exp.yaml"));
    }
}
