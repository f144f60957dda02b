using ClusterSim.Core.Catalog;
using ClusterSim.Core.Cluster;
using ClusterSim.Core.Economics;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Tests.Engine;
using ClusterSim.Core.Tests.Training;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Tests.Cluster;

public class ClusterRunTests
{
    private static readonly AcceleratorSpec H100 = SimCatalog.Default.Hardware.Get("H100-SXM");
    private static readonly CheckpointPolicy Hourly = new() { IntervalSeconds = 3600, WriteSeconds = 60 };
    private static readonly FailureModel NoFailures = new() { Enabled = false, RestartSeconds = 600 };

    private static AcceleratorPool Pool(int count, int reserve = 0) => new() { Name = "h100", Accelerator = H100, Count = count, PricePerHour = 2, ServingReserve = reserve };

    /// <summary>Llama 3.1 8B at TP 8: <paramref name="dp"/> replicas of 8 accelerators.</summary>
    private static ClusterTrainingJob Job(string name, int dp, double tokens, double submit = 0, int priority = 0, bool preemptible = true, int elastic = 0) => new()
    {
        Name = name,
        Job = TrainingJobs.Llama8B(dp: dp, tokens: tokens, failures: NoFailures, checkpoints: Hourly),
        Pool = "h100",
        SubmitSeconds = submit,
        Priority = priority,
        Preemptible = preemptible,
        ElasticMaxAccelerators = elastic,
    };

    /// <summary>A deployment whose demand needs <paramref name="replicasAtPeak"/> one-accelerator replicas at its daily peak (no headroom).</summary>
    private static ClusterDeployment Chat(double replicasAtPeak, double amplitude, double launch = 0) => new()
    {
        Name = "chat",
        Placements = [new DeploymentPlacement("h100", 1, 1000, 0.8)],
        Demand = new DemandCurve(replicasAtPeak * 1000 * 86_400 / (1 + amplitude), 0, amplitude),
        Headroom = 0,
        ColdStartSeconds = 300,
        LaunchSeconds = launch,
    };

    private static ClusterResult Run(ClusterOptions options) => new ClusterRun(options, new Simulator()).Run();

    [Fact]
    public void A_cluster_holding_one_training_job_reproduces_the_single_run()
    {
        ClusterTrainingJob job = Job("pretrain", dp: 16, tokens: 2e10);
        TrainingResult alone = new TrainingRun(job.Job, seed: 1).Run();
        ClusterResult cluster = Run(new ClusterOptions { Pools = [Pool(job.Gang)], Jobs = [job], HorizonSeconds = 2 * alone.WallSeconds });

        // The single run books each checkpoint write as a pause; the cluster spreads the same writes over the work.
        Assert.Equal(alone.WallSeconds, cluster.Job("pretrain").Seconds, alone.WallSeconds * 0.002);
        Assert.Equal(1, cluster.Job("pretrain").Progress, 9);
        Assert.Equal(alone.AcceleratorHours, cluster.Job("pretrain").AcceleratorHours, alone.AcceleratorHours * 0.002);
        Assert.True(cluster.Conserved);
    }

    [Fact]
    public void With_failures_a_lone_job_takes_as_long_on_average_as_the_single_run_with_failures()
    {
        // Job MTBF of 500 / 128 h ≈ 3.9 h: a few failures per run, each losing the work since the last Young/Daly checkpoint.
        var failures = new FailureModel { Enabled = true, MtbfHoursPerAccelerator = 500, PlannedPerDay = 0, RestartSeconds = 600 };
        TrainingJob job = TrainingJobs.Llama8B(dp: 16, tokens: 2e10, failures: failures);
        var cluster = new ClusterTrainingJob { Name = "pretrain", Job = job, Pool = "h100" };
        var seeds = Enumerable.Range(1, 40).ToList();
        var alone = seeds.Select(s => new TrainingRun(job, s).Run()).ToList();
        var shared = seeds.Select(s => Run(new ClusterOptions { Pools = [Pool(128)], Jobs = [cluster], HorizonSeconds = 10 * 86_400, Seed = s })).ToList();

        double aloneDays = alone.Average(r => r.WallDays), clusterDays = shared.Average(r => r.Job("pretrain").Seconds / 86_400);
        Assert.InRange(shared.Average(r => r.Job("pretrain").Failures), 0.7 * alone.Average(r => r.Failures), 1.3 * alone.Average(r => r.Failures));
        Assert.InRange(clusterDays / aloneDays, 0.97, 1.03);
        Assert.All(shared, r => Assert.True(r.Conserved));
        Assert.NotEqual(shared[0].Job("pretrain").Seconds, shared[1].Job("pretrain").Seconds);
    }

    [Fact]
    public void A_cluster_holding_one_deployment_sizes_it_as_the_lifecycle_does()
    {
        // Flat demand of 7.5 replicas' worth with 20 % headroom: ceil(7.5 / 0.8) = 10 replicas, as LifecycleModel sizes it.
        ClusterDeployment chat = Chat(7.5, 0) with { Headroom = 0.2, ColdStartSeconds = 0 };
        ClusterResult cluster = Run(new ClusterOptions { Pools = [Pool(64)], Deployments = [chat], HorizonSeconds = 86_400 });
        int lifecycleReplicas = (int)Math.Ceiling(7.5 * 1000 / (1000 * (1 - 0.2)));

        Assert.Equal(lifecycleReplicas, cluster.Deployment("chat").PeakAccelerators);
        Assert.Equal(lifecycleReplicas, cluster.Deployment("chat").MeanReplicas, 6);
        Assert.Equal(1, cluster.Deployment("chat").SloAttainment, 9);
        Assert.Equal(lifecycleReplicas * 24.0, cluster.Deployment("chat").AcceleratorHours, 1e-6);
        Assert.True(cluster.Conserved);
    }

    [Fact]
    public void Accelerator_hours_are_conserved_across_workloads_and_idle_under_every_policy()
    {
        foreach (ClusterPolicy policy in Enum.GetValues<ClusterPolicy>())
        {
            // The books are checked after every event, not only at the end.
            var simulator = new Simulator();
            var run = new ClusterRun(
                new ClusterOptions
                {
                    Pools = [Pool(96, reserve: 40)],
                    Jobs = [Job("big", dp: 4, tokens: 5e10, elastic: 80), Job("tune", dp: 1, tokens: 2e9, submit: 7200, priority: 1)],
                    Deployments = [Chat(36, 0.6)],
                    Policy = policy,
                    HorizonSeconds = 3 * 86_400,
                },
                simulator);
            var checks = new CheckEveryEvent(run.AssertInvariants);
            simulator.Trace = checks;
            ClusterResult result = run.Run();
            run.AssertInvariants();
            Assert.True(checks.Count > 100, $"{policy}: only {checks.Count} events checked");
            Assert.True(result.Conserved, $"{policy}: {result.TrainingHours} + {result.ServingHours} + {result.IdleHours.Sum()} vs {result.CapacityHours}");
            Assert.All(result.Series.Columns.Where(c => c.Name.StartsWith("pool.", StringComparison.Ordinal)), c => Assert.All(c.Values, v => Assert.InRange(v, 0, 96)));
        }
    }

    [Fact]
    public void A_serving_peak_preempts_training_which_resumes_from_its_last_checkpoint()
    {
        // 64 accelerators: the job takes all 64 until serving launches 5.5 h in and needs 16 of them; the autoscaler
        // provisions for the coming 300 s interval, so it preempts at 5.5 h - 300 s.
        ClusterTrainingJob job = Job("pretrain", dp: 8, tokens: 1e11);
        ClusterResult shared = Run(new ClusterOptions
        {
            Pools = [Pool(64)],
            Jobs = [job],
            Deployments = [Chat(16, 0, launch: 5.5 * 3600) with { ColdStartSeconds = 0 }],
            Policy = ClusterPolicy.Shared,
            HorizonSeconds = 40 * 86_400,
        });
        ClusterJobOutcome outcome = shared.Job("pretrain");

        Assert.Equal(1, outcome.Preemptions);
        // Checkpoints every 3,660 s of running (3,600 of work + a 60 s write): five were written by then, the last at
        // 5.083 h, so the 64 accelerators' time since then is lost.
        double lostHours = 64 * (5.5 - (300 / 3600.0) - (5 * 3660 / 3600.0));
        Assert.Equal(lostHours, outcome.LostAcceleratorHours, 1e-6);
        Assert.Equal(1, shared.Deployment("chat").SloAttainment, 9);
        // Serving never shrinks below 16, so the 64-wide gang never fits again.
        Assert.True(double.IsNaN(outcome.Seconds));
        Assert.True(shared.Conserved);
    }

    [Fact]
    public void A_preempted_job_restarts_when_capacity_returns_and_pays_the_restart_and_the_lost_work()
    {
        ClusterTrainingJob job = Job("pretrain", dp: 4, tokens: 3e10);
        var options = new ClusterOptions { Pools = [Pool(64)], Jobs = [job], HorizonSeconds = 30 * 86_400, Policy = ClusterPolicy.Shared };
        ClusterResult alone = Run(options);

        // Diurnal serving that peaks at 40 replicas: the job (32) cannot hold its gang through the peak.
        ClusterResult shared = Run(options with { Deployments = [Chat(40, 0.9)] });
        ClusterJobOutcome a = alone.Job("pretrain"), s = shared.Job("pretrain");

        Assert.True(s.Preemptions >= 1);
        Assert.True(s.Seconds > a.Seconds + s.QueuedSeconds, $"shared {s.Seconds} s vs alone {a.Seconds} s + queued {s.QueuedSeconds} s");
        Assert.Equal(s.Preemptions * NoFailures.RestartSeconds, s.RestartSeconds, 1e-6);
        // Work done once plus work redone equals what the held hours bought, less restarts.
        double worked = s.AcceleratorHours - (32 * s.RestartSeconds / 3600);
        Assert.Equal(a.AcceleratorHours + s.LostAcceleratorHours, worked, 1e-6 * worked);
        Assert.True(shared.Conserved);
    }

    [Fact]
    public void A_static_partition_never_preempts_and_serving_misses_what_its_partition_cannot_hold()
    {
        ClusterResult result = Run(new ClusterOptions
        {
            Pools = [Pool(64, reserve: 16)],
            Jobs = [Job("pretrain", dp: 4, tokens: 3e10)],
            Deployments = [Chat(30, 0.9)],
            Policy = ClusterPolicy.Static,
            HorizonSeconds = 10 * 86_400,
        });

        Assert.Equal(0, result.Job("pretrain").Preemptions);
        Assert.InRange(result.Deployment("chat").SloAttainment, 0.5, 0.99);
        Assert.True(result.Deployment("chat").PeakAccelerators <= 16);
        Assert.True(result.Conserved);
    }

    [Fact]
    public void Harvesting_grows_an_elastic_job_into_the_serving_trough_and_finishes_it_sooner()
    {
        var options = new ClusterOptions
        {
            Pools = [Pool(64)],
            Jobs = [Job("pretrain", dp: 2, tokens: 3e10, elastic: 48)],
            Deployments = [Chat(40, 0.9)],
            Policy = ClusterPolicy.Shared,
            HorizonSeconds = 30 * 86_400,
        };
        ClusterResult shared = Run(options);
        ClusterResult harvest = Run(options with { Policy = ClusterPolicy.Harvest });

        Assert.True(harvest.Job("pretrain").Resizes > 0);
        Assert.Equal(0, harvest.Job("pretrain").LostAcceleratorHours, 9);
        Assert.True(harvest.Job("pretrain").Seconds < shared.Job("pretrain").Seconds, $"harvest {harvest.Job("pretrain").Seconds} vs shared {shared.Job("pretrain").Seconds}");
        Assert.True(harvest.IdleHours.Sum() < shared.IdleHours.Sum());
        Assert.True(harvest.Deployment("chat").SloAttainment > 0.99);
        Assert.True(harvest.Conserved);
    }

    [Theory]
    [InlineData(ElasticBatch.Fixed)]
    [InlineData(ElasticBatch.Scaled)]
    public void A_grown_job_trains_at_the_step_models_rate_for_the_size_it_holds(ElasticBatch batch)
    {
        // 2 replicas of 8 on 48 idle accelerators: at the first decision an hour in (the look-ahead) it grows to 6
        // replicas, restarts for 600 s and runs there to the end. With the batch fixed, 1,024 sequences over 6 replicas
        // is 171 a replica (1,026 in the step's time); scaled, 3,072 sequences a step.
        ClusterTrainingJob job = Job("pretrain", dp: 2, tokens: 3e10, elastic: 48) with { ElasticBatch = batch };
        ClusterResult result = Run(new ClusterOptions
        {
            Pools = [Pool(48)],
            Jobs = [job],
            Policy = ClusterPolicy.Harvest,
            HarvestLookaheadSeconds = 3600,
            HorizonSeconds = 30 * 86_400,
        });

        double share = 3600.0 / 3660;   // hourly checkpoints of 60 s
        double before = 16 * job.TokensPerAcceleratorSecond(16) * share * 3600;
        double seconds = 3600 + 600 + ((3e10 - before) / (48 * job.TokensPerAcceleratorSecond(48) * share));
        Assert.Equal(1, result.Job("pretrain").Resizes);
        Assert.Equal(seconds, result.Job("pretrain").Seconds, 1e-3);
        Assert.Equal(0, result.Job("pretrain").LostAcceleratorHours);
        Assert.True(result.Conserved);
        if (batch == ElasticBatch.Fixed)
        {
            Assert.Equal(1026, job.At(48).SequencesPerStep);
            Assert.Equal(job.TokensPerAcceleratorSecond(48) / job.TokensPerAcceleratorSecond(16), result.Scalars().Single(s => s.Name == "job.pretrain.elastic_efficiency").Value, 12);
        }
    }

    [Theory]
    [InlineData(ClusterPolicy.Shared)]
    [InlineData(ClusterPolicy.Harvest)]
    public void A_job_with_room_to_shrink_gives_serving_replicas_instead_of_its_gang_and_grows_back(ClusterPolicy policy)
    {
        // 64 accelerators, a job planned on all 64 that may shrink to 16; serving launches at 5.5 h needing 16 for a
        // day and then none: the job shrinks to 48 without losing work, is never preempted, and returns to 64.
        ClusterTrainingJob job = Job("pretrain", dp: 8, tokens: 1e11) with { ElasticMinAccelerators = 16 };
        var options = new ClusterOptions
        {
            Pools = [Pool(64)],
            Jobs = [job],
            Deployments = [Chat(16, 0, launch: 5.5 * 3600) with { ColdStartSeconds = 0, Demand = new DemandCurve(16 * 1000 * 86_400, 0, 0) }],
            Policy = policy,
            HorizonSeconds = 40 * 86_400,
        };
        var simulator = new Simulator();
        var run = new ClusterRun(options, simulator);
        var checks = new CheckEveryEvent(run.AssertInvariants);
        simulator.Trace = checks;
        ClusterResult result = run.Run();
        ClusterJobOutcome outcome = result.Job("pretrain");
        ClusterResult whole = Run(options with { Jobs = [job with { ElasticMinAccelerators = 0 }] });

        Assert.Equal(0, outcome.Preemptions);
        Assert.Equal(0, outcome.LostAcceleratorHours, 9);
        Assert.True(outcome.Resizes >= 1);
        Assert.True(double.IsFinite(outcome.Seconds));
        Assert.True(double.IsNaN(whole.Job("pretrain").Seconds), "without room to shrink, the 64-wide gang never fits again");
        Assert.Equal(1, result.Deployment("chat").SloAttainment, 9);
        Assert.True(result.Conserved);
    }

    [Fact]
    public void A_job_with_an_elastic_min_starts_on_what_is_free_and_grows_to_its_gang_when_there_is_room()
    {
        // Maintenance holds 40 of 64 accelerators for the first day: the 64-wide job starts at once on the 24 left (three
        // replicas of 8, at least its 16) instead of waiting a day, and grows to its 64 once the window has closed.
        ClusterTrainingJob job = Job("pretrain", dp: 8, tokens: 5e10, submit: 600) with { ElasticMinAccelerators = 16 };
        var options = new ClusterOptions
        {
            Pools = [Pool(64)],
            Jobs = [job],
            Maintenance = [new MaintenanceWindow { Name = "racks", Pool = "h100", Accelerators = 40, Seconds = 86_400 }],
            Policy = ClusterPolicy.Shared,
            HarvestLookaheadSeconds = 3600,
            HorizonSeconds = 20 * 86_400,
        };
        var log = new Held();
        ClusterResult result = new ClusterRun(options, new Simulator(), log).Run();

        Assert.Equal(24, log.First);
        Assert.Equal(64, log.Most);
        Assert.Equal(0, result.Job("pretrain").QueuedSeconds, 6);
        Assert.Equal(0, result.Job("pretrain").Preemptions);
        Assert.True(result.Conserved);
    }

    /// <summary>The accelerators the first job held when it first ran, and the most it held.</summary>
    private sealed class Held : IClusterObserver
    {
        public int First { get; private set; }
        public int Most { get; private set; }

        public void JobChanged(long time, int job, JobPhase phase, int accelerators)
        {
            First = First == 0 && phase == JobPhase.Running ? accelerators : First;
            Most = Math.Max(Most, accelerators);
        }

        public void DeploymentChanged(long time, int deployment, int pool, int accelerators)
        {
        }
    }

    [Fact]
    public void A_shrunk_job_trains_at_its_smaller_sizes_rate_with_more_micro_batches_a_replica()
    {
        // Fixed batch: 1,024 sequences over 6 replicas (48 accelerators) is 171 a replica; over 8 it is 128.
        ClusterTrainingJob job = Job("pretrain", dp: 8, tokens: 1e11) with { ElasticMinAccelerators = 16 };

        Assert.Equal(171, job.At(48).MicroBatches);
        Assert.Equal(1026, job.At(48).SequencesPerStep);
        // Without a pipeline and with the gradient traffic hidden behind the backward pass, an accelerator trains as fast
        // on 2 replicas as on 8; on 6 the step pays for 1,026 sequences and trains 1,024.
        Assert.Equal(1, job.TokensPerAcceleratorSecond(16) / job.TokensPerAcceleratorSecond(64), 12);
        Assert.Equal(1024.0 * 8 / (171 * 48), job.TokensPerAcceleratorSecond(48) / job.TokensPerAcceleratorSecond(64), 6);
    }

    [Fact]
    public void Work_a_failure_loses_is_charged_at_the_accelerators_the_job_held_when_it_failed()
    {
        // The job grows from 16 to 48 an hour in and fails now and then (a job MTBF of some 10 h at 48): each failure loses
        // the time since its last checkpoint (every 3,660 s of running) on every accelerator it held, grown or not.
        var failures = new FailureModel { Enabled = true, MtbfHoursPerAccelerator = 500, PlannedPerDay = 0, RestartSeconds = 600 };
        ClusterTrainingJob job = Job("pretrain", dp: 2, tokens: 1e11, elastic: 48) with
        {
            Job = TrainingJobs.Llama8B(dp: 2, tokens: 1e11, failures: failures, checkpoints: Hourly),
        };
        var log = new JobLog();
        ClusterResult result = new ClusterRun(
            new ClusterOptions { Pools = [Pool(48)], Jobs = [job], Policy = ClusterPolicy.Harvest, HarvestLookaheadSeconds = 3600, HorizonSeconds = 30 * 86_400, Seed = 3 },
            new Simulator(),
            log).Run();

        Assert.True(result.Job("pretrain").Failures >= 3, $"{result.Job("pretrain").Failures} failures");
        Assert.True(log.LostAt48 > 0, "a failure while grown");
        Assert.Equal(log.LostHours, result.Job("pretrain").LostAcceleratorHours, 1e-6);
    }

    /// <summary>Adds up, from the placement changes, what each failure (a restart holding the same accelerators) loses.</summary>
    private sealed class JobLog : IClusterObserver
    {
        private long _runningSince = -1;
        private int _held;

        public double LostHours { get; private set; }
        public double LostAt48 { get; private set; }

        public void JobChanged(long time, int job, JobPhase phase, int accelerators)
        {
            if (phase == JobPhase.Restarting && _runningSince >= 0 && accelerators == _held)
            {
                double ran = SimTime.ToSeconds(time - _runningSince);
                double lost = accelerators * (ran - (3660 * Math.Floor(ran / 3660))) / 3600;
                LostHours += lost;
                LostAt48 += accelerators == 48 ? lost : 0;
            }

            _runningSince = phase == JobPhase.Running ? time : -1;
            _held = accelerators;
        }

        public void DeploymentChanged(long time, int deployment, int pool, int accelerators)
        {
        }
    }

    [Fact]
    public void A_job_planned_on_other_hardware_than_its_pool_is_refused_by_name()
    {
        var options = new ClusterOptions
        {
            Pools = [Pool(64) with { Accelerator = SimCatalog.Default.Hardware.Get("A100-80GB") }],
            Jobs = [Job("pretrain", dp: 1, tokens: 1e9)],
            HorizonSeconds = 86_400,
        };
        var e = Assert.Throws<ArgumentException>(() => new ClusterRun(options, new Simulator()));
        Assert.Contains("job pretrain: planned on H100-SXM but pool h100 holds A100-80GB", e.Message, StringComparison.Ordinal);
    }
}
