using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Moe;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Metrics;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Moe;

public class MoeServingTests
{
    private static ServingDeployment Deployment(string model, string chip, int tp, MoeRoutingOptions routing) =>
        SimCatalog.Default.Deployment(model, chip, tp, Precision.FP8) with { MoeRouting = routing };

    private static ServingResult Run(ServingDeployment deployment, double rate, int requests, bool macro = true, int replicas = 1) =>
        new ServingCluster(new ServingScenario
        {
            Replicas = [new ReplicaGroup(deployment, new SchedulerOptions { Kind = SchedulerKind.ChunkedPrefill, MaxSequences = 128, MaxBatchedTokens = 4096 }, replicas)],
            Workload = s => RequestSource.Open(ArrivalProcess.Poisson(rate), TokenLengths.LogNormalFromMeanMedian(512, 350, 4096), TokenLengths.LogNormalFromMeanMedian(256, 180, 2048), s),
            MaxRequests = requests,
            MacroStepping = macro,
            Seed = 9,
        }).Run();

    [Theory]
    [InlineData("mixtral-8x7b", "H100-SXM", 2)]
    [InlineData("deepseek-v3", "H200", 8)]
    public void Catalog_moe_models_serve_with_routing(string model, string chip, int tp)
    {
        ServingResult result = Run(Deployment(model, chip, tp, new MoeRoutingOptions { Popularity = ExpertPopularity.Zipf, ZipfExponent = 0.8 }), 4, 400);
        Assert.True(result.Conserved);
        Assert.Equal(400, result.Metrics.Completed);
        Assert.True(result.Metrics.ExpertImbalance.Mean > 1);
        Assert.Contains(result.Scalars(), s => s.Name == "moe_time_vs_dense");
    }

    [Fact]
    public void Macro_steps_give_the_same_result_with_sampled_routing()
    {
        ServingDeployment d = Deployment("mixtral-8x7b", "H100-SXM", 2, new MoeRoutingOptions { Popularity = ExpertPopularity.Dirichlet, DirichletConcentration = 0.5 });
        ServingResult fast = Run(d, 6, 600), slow = Run(d, 6, 600, macro: false);
        Assert.Equal(slow.Metrics.Iterations, fast.Metrics.Iterations);
        Assert.Equal(slow.Metrics.EndToEnd.Mean, fast.Metrics.EndToEnd.Mean, 12);
        Assert.Equal(slow.Metrics.ExpertImbalance.Mean, fast.Metrics.ExpertImbalance.Mean, 9);
        Inference.ServingClusterTests.AssertSameOutcome(slow, fast);
    }

    [Fact]
    public void Macro_steps_give_the_same_imbalance_mean_and_series_over_several_replicas()
    {
        // Found by ServingSoakTests: a macro-step recorded its iterations' imbalance when it ended, after other replicas'
        // later iterations, so the series took an earlier value last and the mean's floating sum another order.
        ServingDeployment d = Deployment("mixtral-8x7b", "H100-SXM", 2, new MoeRoutingOptions { Popularity = ExpertPopularity.Zipf, ZipfExponent = 1.2 });
        ServingResult fast = Run(d, 14, 800, replicas: 3), slow = Run(d, 14, 800, macro: false, replicas: 3);
        Assert.True(fast.EventsFired < slow.EventsFired);
        Assert.Equal(slow.Metrics.ExpertImbalance.Sum, fast.Metrics.ExpertImbalance.Sum);
        Inference.ServingClusterTests.AssertSameOutcome(slow, fast);
        Assert.Contains(slow.Series().Columns, c => c.Name == "expert_imbalance" && c.Values.Skip(1).All(v => v >= 1));
    }

    [Fact]
    public void The_imbalance_series_does_not_shorten_the_others()
    {
        // It was set at iteration ends only, so its last grid point was missing whenever no iteration ended after it, and
        // the table (cut to the shortest series) lost every series' last point.
        ServingResult result = Run(Deployment("mixtral-8x7b", "H100-SXM", 2, new MoeRoutingOptions { Popularity = ExpertPopularity.Zipf }), 6, 300);
        SeriesTable series = result.Series();
        Assert.Contains(series.Columns, c => c.Name == "expert_imbalance");
        Assert.Equal(result.Metrics.QueueLength.Values.Count, series.TimeSeconds.Count);
    }

    [Fact]
    public void Decode_reads_only_the_experts_the_batch_touches()
    {
        var model = new StepTimeModel(Deployment("mixtral-8x7b", "H100-SXM", 1, new MoeRoutingOptions()));
        var router = new ExpertRouter(8, 2, 1, new MoeRoutingOptions(), new ClusterSim.Core.Engine.RandomStreams(1).For("moe"));
        BatchShape one = BatchShape.Decode(1, 500), many = BatchShape.Decode(128, 128 * 500);

        // One token touches its 2 experts: about the cost of a dense model with the active parameters.
        double single = model.Iteration(one, router.Route(1, 0)).Nanos / (double)model.DenseEquivalentNanos(one);
        Assert.InRange(single, 0.95, 1.05);

        // 128 tokens touch all 8 experts: every expert's weights are read, far more than the active share.
        double batch = model.Iteration(many, router.Route(128, 1)).Nanos / (double)model.DenseEquivalentNanos(many);
        Assert.True(batch > 1.5, $"{batch:0.00}");
    }

    [Fact]
    public void Heavier_skew_never_makes_a_step_faster()
    {
        double previous = 0;
        foreach (double s in new[] { 0.0, 1.0, 2.0 })
        {
            var routing = new MoeRoutingOptions { Popularity = ExpertPopularity.Zipf, ZipfExponent = s };
            var model = new StepTimeModel(Deployment("deepseek-v3", "H200", 8, routing));
            var router = new ExpertRouter(256, 8, model.ExpertParallel, routing, new ClusterSim.Core.Engine.RandomStreams(2).For("moe"));
            BatchShape prefill = new(4096, 4096.0 * 2048, 0, 1);
            double nanos = Enumerable.Range(0, 50).Average(i => model.Iteration(prefill, router.Route(4096, i)).Nanos);
            Assert.True(nanos >= previous * 0.99, $"zipf {s}: {nanos} ns after {previous} ns");
            previous = nanos;
        }
    }
}
