using System.Diagnostics;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Cluster;
using ClusterSim.Core.Economics;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Training;

namespace ClusterSim.Bench;

/// <summary>
/// Wall-clock time of a 30-day run of a 10,240-accelerator shared cluster (8,192 H100 + 2,048 L40S) holding a 70B
/// pretraining job, 240 fine-tuning jobs and four diurnal serving deployments under harvesting, as a median over
/// repeats (issue 16's target: under a minute). Replica capacities are given, not measured, so this times the cluster
/// engine itself; `bench/time-whole.sh -- clustersim run experiments/shared-cluster.yaml` times the whole command.
/// </summary>
internal static class ClusterScaleHarness
{
    public static ClusterOptions Options { get; } = Build();

    public static void Run(int repeats)
    {
        var seconds = new List<double>();
        ClusterResult? last = null;
        long allocated = 0;
        for (int i = 0; i < repeats; i++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            last = new ClusterRun(Options, new Simulator()).Run();
            seconds.Add(clock.Elapsed.TotalSeconds);
            allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        }

        seconds.Sort();
        Console.WriteLine($"simulated {Options.HorizonSeconds / 86_400:F0} days of {Options.Pools.Sum(p => p.Count):N0} accelerators: {last!.Jobs.Count} jobs ({last.Jobs.Count(j => double.IsFinite(j.Seconds))} finished), {last.Deployments.Count} deployments, {last.EventsFired:N0} events, conserved: {last.Conserved}");
        Console.WriteLine($"wall time per run: median {seconds[seconds.Count / 2] * 1e3:F1} ms over {repeats} runs (min {seconds[0] * 1e3:F1} ms, max {seconds[^1] * 1e3:F1} ms); {allocated / 1e6:F1} MB allocated per run");
    }

    private static ClusterOptions Build()
    {
        AcceleratorSpec h100 = SimCatalog.Default.Hardware.Get("H100-SXM"), l40s = SimCatalog.Default.Hardware.Get("L40S");
        var noFailures = new FailureModel { Enabled = false, RestartSeconds = 600 };
        TrainingJob Job(string model, int tp, int pp, int dp, double tokens, double batch) => new()
        {
            Model = SimCatalog.Default.Models.Get(model),
            Accelerator = h100,
            Plan = new ParallelismPlan { TensorParallel = tp, PipelineParallel = pp, DataParallel = dp },
            Tokens = tokens,
            GlobalBatchTokens = batch,
            SequenceLength = 8192,
            Failures = noFailures,
            Checkpoints = new CheckpointPolicy { IntervalSeconds = 3600, WriteSeconds = 60 },
        };

        var jobs = new List<ClusterTrainingJob>
        {
            new() { Name = "pretrain", Job = Job("llama-3.1-70b", 8, 4, 128, 6e12, 32 * 1024 * 1024), Pool = "h100", ElasticMaxAccelerators = 6144 },
        };
        jobs.AddRange(Enumerable.Range(0, 240).Select(i => new ClusterTrainingJob
        {
            Name = $"tune-{i}",
            Stream = "tune",
            Job = Job("llama-3.1-8b", 8, 1, 8, 2e9, 2 * 1024 * 1024),
            Pool = "h100",
            SubmitSeconds = i * 3 * 3600.0,
            Priority = 1,
        }));

        ClusterDeployment Serve(string name, double tokensPerDay, double h100Tps, double l40sTps, int size) => new()
        {
            Name = name,
            Placements = [new DeploymentPlacement("l40s", size, l40sTps, 0.8), new DeploymentPlacement("h100", size, h100Tps, 0.8)],
            Demand = new DemandCurve(tokensPerDay, 0.1, 0.6),
        };

        return new ClusterOptions
        {
            Pools =
            [
                new AcceleratorPool { Name = "h100", Accelerator = h100, Count = 8192, PricePerHour = 2.35 },
                new AcceleratorPool { Name = "l40s", Accelerator = l40s, Count = 2048, PricePerHour = 0.85 },
            ],
            Jobs = jobs,
            Deployments = [Serve("chat", 80e9, 1700, 300, 4), Serve("code", 40e9, 4000, 900, 1), Serve("agents", 30e9, 1700, 300, 4), Serve("search", 20e9, 4000, 900, 1)],
            Policy = ClusterPolicy.Harvest,
            HorizonSeconds = 30 * 86_400,
        };
    }
}
