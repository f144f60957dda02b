using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Studies;

namespace ClusterSim.Experiments.Tests.Studies;

public class EdgeStudyTests
{
    private const string Base = """
        name: e
        serving: { model: llama-3.1-8b, hardware: H100-SXM, weights: fp8, kv_cache: fp8 }
        workload:
          prompt_tokens: { kind: lognormal, mean: 300, median: 200, max: 2048 }
          output_tokens: { kind: lognormal, mean: 120, median: 90, max: 1024 }
          requests: 300
        slo: { ttft_s: 2.0, tpot_s: 0.1 }
        edge:
          device: { model: llama-3.2-1b, hardware: Jetson-Orin-Nano-Super, weights: int4 }
          device_quality: 0.5
          cloud_quality: 0.7
          users: 1000
          requests_per_user_per_day: 10
          device_price_usd: 240
          device_life_years: 2
          device_share: 0.5
          offline_share: 0.1
        """;

    private static EdgeModeOutcome Mode(EdgeResult r, string name) => r.Modes.Single(m => m.Mode == name);

    private static EdgeResult Compare(string extra) => EdgeStudy.Compare(ExperimentLoader.Parse(Base + extra, "e.yaml").Points[0], seed: 5);

    [Fact]
    public void A_hybrid_that_keeps_everything_on_the_device_is_the_edge()
    {
        EdgeResult r = Compare("\n  hybrid: { on_device_share: 1 }");
        EdgeModeOutcome edge = Mode(r, "edge"), hybrid = Mode(r, "hybrid");
        Assert.Equal(edge.UsdPerUserMonth, hybrid.UsdPerUserMonth, 1e-12);
        Assert.Equal(edge.Quality, hybrid.Quality, 1e-12);
        Assert.Equal(edge.TtftP50Seconds, hybrid.TtftP50Seconds, 1e-9);
        Assert.Equal(0, hybrid.LostShare);
    }

    [Fact]
    public void Offline_requests_are_lost_in_the_cloud_and_answered_on_the_device()
    {
        EdgeResult r = Compare("\n  hybrid: { on_device_share: 0.5 }");
        Assert.Equal(0.1, Mode(r, "cloud").LostShare);
        Assert.Equal(0, Mode(r, "edge").LostShare);
        Assert.Equal(0, Mode(r, "hybrid").LostShare);

        // The device's share of its price over its life is the floor of what a user costs on the device.
        Assert.True(Mode(r, "edge").UsdPerUserMonth > 240 * 0.5 / 24);
        Assert.True(Mode(r, "hybrid").UsdPerUserMonth > Mode(r, "edge").UsdPerUserMonth);

        // A device serves one user: its streaming rate is the batch-one decode rate, faster than a busy cloud replica here or not,
        // but the cloud's first token carries the network round trip.
        Assert.True(Mode(r, "cloud").TtftP50Seconds > 0.08);
    }

    /// <summary>
    /// Offline, the hybrid answers on the device what it would escalate: when every request is asked offline, its first
    /// tokens and streaming rate are the device's (they were the cloud's for its escalations, answers that never came).
    /// </summary>
    [Fact]
    public void A_hybrid_offline_answers_its_escalations_on_the_device_at_the_device_speed()
    {
        EdgeResult r = Compare("\n  hybrid: { on_device_share: 0.3 }");
        EdgeResult offline = EdgeStudy.Compare(ExperimentLoader.Parse(Base.Replace("offline_share: 0.1", "offline_share: 1", StringComparison.Ordinal) + "\n  hybrid: { on_device_share: 0.3 }", "e.yaml").Points[0], seed: 5);
        EdgeModeOutcome edge = Mode(offline, "edge"), hybrid = Mode(offline, "hybrid");
        Assert.Equal(edge.TtftP50Seconds, hybrid.TtftP50Seconds, 1e-9);
        Assert.Equal(edge.TtftP95Seconds, hybrid.TtftP95Seconds, 1e-9);
        Assert.Equal(edge.TokensPerSecond, hybrid.TokensPerSecond, 1e-9);

        // Online a tenth of the time less, the hybrid's first tokens mix the two.
        Assert.NotEqual(Mode(r, "edge").TtftP95Seconds, Mode(r, "hybrid").TtftP95Seconds);
    }

    [Fact]
    public void A_model_that_does_not_fit_the_device_is_refused_with_the_sizes_named()
    {
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Base.Replace("llama-3.2-1b", "llama-3.1-70b"), "e.yaml"));
        Assert.Contains(e.Problems, p => p.Path.StartsWith("edge.device", StringComparison.Ordinal) && p.Message.Contains("does not fit: 40 GB of INT4 weights", StringComparison.Ordinal));
    }
}
