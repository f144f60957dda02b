using System.Globalization;
using System.Text;
using ClusterSim.Core.Cluster;
using ClusterSim.Core.Economics;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Tests.Results;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary>A deployment's or a lifecycle's demand given as a measured trace in place of the diurnal formula.</summary>
public class DemandSectionTests
{
    private const string Cluster = """
        name: traced
        cluster:
          days: 2
          interval_s: 300
          pools:
            gpus: { hardware: H100-SXM, count: 64 }
          deployments:
            chat:
              model: llama-3.1-8b
              demand: { output_tokens_per_day: 4e9, monthly_growth: 0, diurnal_amplitude: 0.5 }
              cold_start_s: 0
              slo: { ttft_s: 1.0, tpot_s: 0.05 }
              output_tokens: { kind: fixed, mean: 256 }
              cell_requests: 600
              placements:
                gpus: { weights: fp8, kv_cache: fp8 }
        """;

    /// <summary>
    /// The formula's diurnal day in steps of <paramref name="stepSeconds"/>: each step's mean rate (a thousand samples of
    /// it), written as tokens a second — what a gateway's counts of a day shaped like the formula would say.
    /// </summary>
    private static string SampledDay(DemandCurve formula, double stepSeconds)
    {
        var csv = new StringBuilder("time_s,output_tokens_per_s\n");
        for (double t = 0; t < 86_400; t += stepSeconds)
        {
            double sum = 0;
            for (int i = 0; i < 1000; i++)
            {
                sum += formula.TokensPerSecond((t + ((i + 0.5) * stepSeconds / 1000)) / 86_400);
            }

            csv.Append(CultureInfo.InvariantCulture, $"{t:R},{sum / 1000:R}\n");
        }

        return csv.ToString();
    }

    private static Experiment Load(ResultsFolder folder, string yaml, string trace)
    {
        Directory.CreateDirectory(folder["project"]);
        File.WriteAllText(Path.Combine(folder["project"], "day.csv"), trace);
        string file = Path.Combine(folder["project"], "exp.yaml");
        File.WriteAllText(file, yaml);
        return ExperimentLoader.Load(file);
    }

    [Fact]
    public void A_deployment_following_its_formula_sampled_as_a_trace_sizes_and_serves_as_the_formula_does()
    {
        using var folder = new ResultsFolder();
        Experiment formula = ExperimentLoader.Parse(Cluster, "formula.yaml");
        Experiment traced = Load(folder, Cluster.Replace("{ output_tokens_per_day: 4e9, monthly_growth: 0, diurnal_amplitude: 0.5 }", "{ trace: day.csv }", StringComparison.Ordinal),
            SampledDay(new DemandCurve(4e9, 0, 0.5), 300));

        ClusterDeploymentOutcome a = ((ClusterResult)formula.Points[0].Study.Run(formula.Points[0], double.NaN, seed: 3, share: null)).Deployment("chat");
        ClusterDeploymentOutcome b = ((ClusterResult)traced.Points[0].Study.Run(traced.Points[0], double.NaN, seed: 3, share: null)).Deployment("chat");

        Assert.Equal(8e9, b.DemandTokens, 8e9 * 1e-9);   // two days of 4e9: the steps' means integrate exactly
        Assert.Equal(a.DemandTokens, b.DemandTokens, a.DemandTokens * 1e-3);
        Assert.Equal(a.MeanReplicas, b.MeanReplicas, a.MeanReplicas * 0.03);
        Assert.Equal(a.AcceleratorHours, b.AcceleratorHours, a.AcceleratorHours * 0.03);
        Assert.Equal(a.PeakAccelerators, b.PeakAccelerators, 1.0);   // the diurnal peak's fleet, within a replica
        Assert.InRange(b.SloAttainment, 0.99, 1);
    }

    [Fact]
    public void A_trace_is_scaled_to_a_given_level_warned_when_it_repeats_and_resolved_by_its_full_path()
    {
        using var folder = new ResultsFolder();
        Experiment experiment = Load(folder, Cluster.Replace("{ output_tokens_per_day: 4e9, monthly_growth: 0, diurnal_amplitude: 0.5 }", "{ trace: day.csv, output_tokens_per_day: 6e9, monthly_growth: 0.1 }", StringComparison.Ordinal),
            "hour,requests\n0,100\n12,300\n");
        DemandCurve demand = experiment.Points[0].Cluster!.Deployments[0].Demand;

        Assert.Equal(6e9, demand.TokensBetween(0, 1) / Math.Pow(1.1, 0.5 / DemandCurve.DaysPerMonth), 6e9 * 1e-3);
        Assert.Equal(3, demand.TokensPerSecond(0.75) / demand.TokensPerSecond(0.25), 2);
        Assert.Contains("warning: cluster.deployments.chat.demand.trace: the trace covers 1 days; it repeats over the 2 days served", experiment.Calibrations);
        string full = Path.Combine(folder["project"], "day.csv");
        Assert.Contains($"      demand: {{ trace: {YamlText.Quoted(full)}, output_tokens_per_day: 6000000000, monthly_growth: 0.1 }}", experiment.ResolvedText, StringComparison.Ordinal);

        // Saved with the results, the resolved file loads and resolves to itself.
        ResultWriter.WriteRunFiles(folder["results"], experiment);
        Experiment again = ExperimentLoader.Load(ResultWriter.ResolvedPath(folder["results"]));
        Assert.Equal(experiment.ResolvedText, again.ResolvedText);
    }

    [Fact]
    public void Served_request_by_request_a_trace_sends_the_requests_its_steps_count()
    {
        // Two hours: 40 requests a second for twenty minutes, then 4 (256 output tokens each), then 40 again.
        using var folder = new ResultsFolder();
        string yaml = Cluster
            .Replace("days: 2", "days: 0.0833", StringComparison.Ordinal)
            .Replace("{ output_tokens_per_day: 4e9, monthly_growth: 0, diurnal_amplitude: 0.5 }", "{ trace: day.csv }", StringComparison.Ordinal)
            .Replace("      cell_requests: 600", "      cell_requests: 600\n      fidelity: requests", StringComparison.Ordinal);
        Experiment experiment = Load(folder, yaml, "time_s,requests_per_s\n0,40\n1200,4\n2400,40\n");
        ExperimentPoint point = experiment.Points[0];
        var result = (ClusterResult)point.Study.Run(point, double.NaN, seed: 9, share: null);

        RequestCounts counts = result.Deployment("chat").Requests!;
        Assert.True(counts.Conserved, $"{counts}");
        double expected = (0.0833 * 86_400 / 3600) * 3600 * (40 + 4 + 40) / 3;   // the steps repeat each hour
        Assert.InRange(counts.Arrived, expected - (5 * Math.Sqrt(expected)), expected + (5 * Math.Sqrt(expected)));
        Assert.Equal(counts.Arrived * 256.0, result.Deployment("chat").DemandTokens, counts.Arrived * 256.0 * 0.05);
    }

    [Theory]
    [InlineData("{ trace: day.csv, diurnal_amplitude: 0.3 }", "cluster.deployments.chat.demand.diurnal_amplitude", "a trace gives the demand's shape")]
    [InlineData("{ trace: missing.csv }", "cluster.deployments.chat.demand.trace", "missing.csv: file not found")]
    [InlineData("{ trace: day.csv, output_tokens_per_day: -1 }", "cluster.deployments.chat.demand.output_tokens_per_day", "out of range")]
    [InlineData("{ trace: day.csv, monthly_grwoth: 0.1 }", "cluster.deployments.chat.demand.monthly_grwoth", "did you mean 'monthly_growth'")]
    public void A_wrong_trace_demand_is_refused_at_its_line(string demand, string path, string message)
    {
        using var folder = new ResultsFolder();
        var error = Assert.Throws<ExperimentException>(() => Load(folder, Cluster.Replace("{ output_tokens_per_day: 4e9, monthly_growth: 0, diurnal_amplitude: 0.5 }", demand, StringComparison.Ordinal), "hour,requests\n0,100\n1,300\n"));
        ExperimentProblem problem = Assert.Single(error.Problems);
        Assert.Equal(path, problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
        Assert.Equal(10, problem.Line);
    }

    [Fact]
    public void A_lifecycle_whose_demand_is_its_formulas_day_as_a_trace_crosses_over_on_the_same_day()
    {
        using var folder = new ResultsFolder();
        string shipped = File.ReadAllText(Path.Combine(ClusterSim.Tests.RepositoryRoot.Path, "experiments", "crossover-405b.yaml"));
        string yaml = shipped.Replace("replications: 3", "replications: 1", StringComparison.Ordinal);
        Experiment formula = ExperimentLoader.Parse(yaml, "crossover.yaml");
        Experiment traced = Load(folder, yaml.Replace("{ output_tokens_per_day: 133e9, monthly_growth: 0.20, diurnal_amplitude: 0.4 }", "{ trace: day.csv, output_tokens_per_day: 133e9, monthly_growth: 0.20 }", StringComparison.Ordinal),
            SampledDay(new DemandCurve(1, 0, 0.4), 3600));
        Assert.DoesNotContain(formula.Calibrations, c => c.Contains("demand", StringComparison.Ordinal));
        Assert.Contains(traced.Calibrations, c => c.Contains("lifecycle.demand.trace: the trace covers 1 days; it repeats over the 365 days served", StringComparison.Ordinal));

        double Crossover(Experiment e) => ExperimentRunner.Run(e, 1)[0].Metric("crossover_days_after_launch").Mean;
        Assert.Equal(Crossover(formula), Crossover(traced), 1.0);
    }
}
