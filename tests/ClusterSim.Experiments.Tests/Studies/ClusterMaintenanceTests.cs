using ClusterSim.Core.Cluster;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Studies;
using ClusterSim.Experiments.Tests.Files;

namespace ClusterSim.Experiments.Tests.Studies;

/// <summary>Planned maintenance on a shared cluster: whole nodes offline for a while, what ran on them making way.</summary>
public class ClusterMaintenanceTests
{
    // The tiny cluster of ClusterSectionTests (64 H100 and 16 L40S over two days), with one recurring window on the H100s.
    private static string With(string window) => ClusterSectionTests.Valid.Replace(
        "  deployments:\n", $"  maintenance:\n    racks: {window}\n  deployments:\n", StringComparison.Ordinal);

    private static ClusterResult Run(string yaml)
    {
        ExperimentPoint point = ExperimentLoader.Parse(yaml, "cluster.yaml").Points[0];
        return (ClusterResult)point.Study.Run(point, double.NaN, seed: 3, share: null);
    }

    [Fact]
    public void Offline_hours_are_booked_apart_and_every_hour_is_still_accounted_for()
    {
        // Two windows of 6 hours (at 4 h and 28 h) take 32 of the 64 H100: 384 accelerator-hours.
        ClusterResult result = Run(With("{ pool: gpus, accelerators: 32, start_h: 4, hours: 6, every_h: 24 }"));
        var scalars = result.Scalars().ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);

        Assert.True(result.Conserved);
        Assert.Equal(384, scalars["pool.gpus.maintenance_hours"], 6);
        Assert.DoesNotContain("pool.cheap.maintenance_hours", scalars.Keys);
        double hours = 64 * 48.0;
        Assert.Equal(1 - ((result.IdleHours[0] + 384) / hours), scalars["pool.gpus.utilisation"], 9);

        // The pool's series says how many are offline: 32 at the decisions inside a window, none outside.
        var times = result.Series.TimeSeconds;
        var offline = result.Series.Column("pool.gpus.maintenance").Values;
        for (int i = 0; i < times.Count; i++)
        {
            double h = times[i] / 3600;
            bool inside = h is >= 4 and < 10 || h is >= 28 and < 34;
            Assert.True(offline[i] == (inside ? 32 : 0), $"{offline[i]} offline at {h} h");
        }
    }

    [Fact]
    public void Overlapping_windows_take_the_pool_at_most()
    {
        // Two windows of 48 of the 64 H100, overlapping from 6 h to 8 h: the whole pool is offline then, not 96.
        string yaml = ClusterSectionTests.Valid.Replace(
            "  deployments:\n", "  maintenance:\n    a: { pool: gpus, accelerators: 48, start_h: 4, hours: 4 }\n    b: { pool: gpus, accelerators: 48, start_h: 6, hours: 4 }\n  deployments:\n", StringComparison.Ordinal);
        ClusterResult result = Run(yaml);
        Assert.True(result.Conserved);
        Assert.Equal((48 * 2) + (64 * 2) + (48 * 2), result.Scalars().First(s => s.Name == "pool.gpus.maintenance_hours").Value, 6);
        Assert.Equal(64, result.Series.Column("pool.gpus.maintenance").Values.Max());
    }

    [Fact]
    public void Training_on_the_nodes_moves_off_without_losing_work_and_finishes_later()
    {
        ClusterResult plain = Run(ClusterSectionTests.Valid);
        ClusterResult maintained = Run(With("{ pool: gpus, accelerators: 56, start_h: 6, hours: 4 }"));

        ClusterJobOutcome before = plain.Job("pretrain"), after = maintained.Job("pretrain");
        Assert.True(after.Preemptions > before.Preemptions, $"{after.Preemptions} against {before.Preemptions}");
        Assert.Equal(before.LostAcceleratorHours, after.LostAcceleratorHours);   // failures are off: a planned move loses nothing
        Assert.True(after.Progress < before.Progress || after.Seconds > before.Seconds, "four hours without its gang cost the job time");
        Assert.True(maintained.Conserved);
    }

    [Fact]
    public void Serving_on_a_pool_in_maintenance_moves_to_the_other_pool()
    {
        // Every H100 offline for a day: the chat fleet runs on the L40S meanwhile and still serves most of its demand.
        ClusterResult result = Run(With("{ pool: gpus, accelerators: 64, start_h: 12, hours: 24 }"));
        var times = result.Series.TimeSeconds;
        var onH100 = result.Series.Column("pool.gpus.chat").Values;
        var onL40s = result.Series.Column("pool.cheap.chat").Values;
        int inside = Enumerable.Range(0, times.Count).First(i => times[i] / 3600 is >= 14 and < 36);
        Assert.Equal(0, onH100[inside]);
        Assert.True(onL40s[inside] > 0, "the L40S pool takes the fleet");
        Assert.True(result.Conserved);
    }

    [Theory]
    [InlineData("{ pool: gpu, accelerators: 8, hours: 2 }", "cluster.maintenance.racks.pool", "no pool named 'gpu' — did you mean 'gpus'?")]
    [InlineData("{ pool: gpus, accelerators: 12, hours: 2 }", "cluster.maintenance.racks.accelerators", "takes whole nodes of pool gpus (8 accelerators each, 64 in all); got 12")]
    [InlineData("{ pool: gpus, accelerators: 72, hours: 2 }", "cluster.maintenance.racks.accelerators", "got 72")]
    [InlineData("{ pool: gpus, accelerators: 8, hours: 6, every_h: 4 }", "cluster.maintenance.racks.every_h", "the windows would overlap")]
    [InlineData("{ pool: gpus, hours: 6 }", "cluster.maintenance.racks.accelerators", "is required")]
    public void A_wrong_window_is_refused_at_its_line(string window, string path, string message)
    {
        var error = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(With(window), "cluster.yaml"));
        ExperimentProblem problem = Assert.Single(error.Problems);
        Assert.Equal(path, problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_level_replicas_drain_before_the_window_takes_their_accelerators()
    {
        // Two hours of an 8B fleet served request by request on 64 H100; from 30 minutes on, a window takes 56 of them for
        // an hour. Replicas on them stop taking requests and finish their own; the window takes each as it lets go.
        string yaml = """
            name: drained
            cluster:
              days: 0.0833
              interval_s: 300
              pools:
                gpus: { hardware: H100-SXM, count: 64 }
              maintenance:
                racks: { pool: gpus, accelerators: 56, start_h: 0.5, hours: 1 }
              deployments:
                chat:
                  model: llama-3.1-8b
                  demand: { output_tokens_per_day: 1.5e9 }
                  cold_start_s: 60
                  slo: { ttft_s: 1.0, tpot_s: 0.05 }
                  output_tokens: { kind: fixed, mean: 256 }
                  cell_requests: 600
                  fidelity: requests
                  placements:
                    gpus: { weights: fp8, kv_cache: fp8 }
            """;
        Experiment experiment = ExperimentLoader.Parse(yaml, "drained.yaml");
        var simulator = new ClusterSim.Core.Engine.Simulator();
        var run = new ClusterRun(ClusterStudy.Options(experiment.Points[0].Cluster!, 5), simulator);
        simulator.Trace = new EveryEvent(run.AssertInvariants);
        ClusterResult result = run.Run();
        run.AssertInvariants();

        Assert.True(result.Conserved);
        RequestCounts counts = result.Deployment("chat").Requests!;
        Assert.True(counts.Conserved, $"{counts}");
        var times = result.Series.TimeSeconds;
        var offline = result.Series.Column("pool.gpus.maintenance").Values;
        var chat = result.Series.Column("pool.gpus.chat").Values;
        int inside = Enumerable.Range(0, times.Count).Last(i => times[i] / 3600 is > 0.5 and < 1.5);
        Assert.Equal(56, offline[inside]);   // every replica on the window's nodes has finished and let go by its end
        Assert.True(chat[inside] <= 8, $"{chat[inside]} accelerators serve beside the window");
        Assert.InRange(result.Scalars().First(x => x.Name == "pool.gpus.maintenance_hours").Value, 1, 56);
    }

    [Fact]
    public void A_window_resolves_to_itself()
    {
        Experiment experiment = ExperimentLoader.Parse(With("{ pool: gpus, accelerators: 16, start_h: 1.5, hours: 2, every_h: 12 }"), "cluster.yaml");
        Assert.Contains("  maintenance:\n    racks: { pool: gpus, accelerators: 16, start_h: 1.5, hours: 2, every_h: 12 }\n", experiment.ResolvedText, StringComparison.Ordinal);
        Assert.Equal(experiment.ResolvedText, ExperimentLoader.Parse(experiment.ResolvedText, "again.yaml").ResolvedText);
    }

    /// <summary>Checks the books after each of the first 2,000 events, then after every 1,009th (the fleet fires a few hundred thousand).</summary>
    private sealed class EveryEvent(Action check) : ClusterSim.Core.Engine.IEventTrace
    {
        private long _count;

        public void Record(in ClusterSim.Core.Engine.SimEvent simEvent, int priority, long sequence)
        {
            if (_count < 2_000 || _count % 1_009 == 0)
            {
                check();
            }

            _count++;
        }
    }
}
