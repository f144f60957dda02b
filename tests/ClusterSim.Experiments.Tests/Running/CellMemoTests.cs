using ClusterSim.Core.Inference;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Tests.Files;

namespace ClusterSim.Experiments.Tests.Running;

/// <summary>Capacity cells measured once per distinct cell, size and seed; never one cell's figure for another.</summary>
public class CellMemoTests
{
    /// <summary>A serving point parsed afresh each time, as each point of a sweep is. Each test takes seeds of its own (the memo is the process's).</summary>
    private static ServingPoint Parsed(string slo = "{ ttft_s: 2, tpot_s: 0.1 }") =>
        ExperimentLoader.Parse(ExperimentLoaderTests.Valid.Replace("sweep:", $"slo: {slo}\nsweep:", StringComparison.Ordinal), "exp.yaml").Points[0].Serving!;

    [Fact]
    public void A_cell_parsed_again_is_measured_once()
    {
        long seed = 7_100_000;
        int measured = 0;
        (double, double) Measure() => (++measured, 0.5);

        var first = CellMemo.GetOrMeasure(Parsed(), 2, seed, Measure);
        var second = CellMemo.GetOrMeasure(Parsed(), 2, seed, Measure);

        Assert.Equal(1, measured);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Another_seed_size_slo_or_replica_shape_is_measured_on_its_own()
    {
        long seed = 7_100_010;
        int measured = 0;
        (double, double) Measure() => (++measured, 0.5);
        ServingPoint cell = Parsed();

        CellMemo.GetOrMeasure(cell, 2, seed, Measure);
        CellMemo.GetOrMeasure(cell, 2, seed + 1, Measure);
        CellMemo.GetOrMeasure(cell, 3, seed, Measure);
        CellMemo.GetOrMeasure(Parsed("{ ttft_s: 1, tpot_s: 0.1 }"), 2, seed, Measure);
        CellMemo.GetOrMeasure(cell with { Replicas = [cell.Replicas[0] with { Scheduler = cell.Replicas[0].Scheduler with { MaxSequences = 7 } }] }, 2, seed, Measure);
        CellMemo.GetOrMeasure(cell with { Replicas = [cell.Replicas[0], cell.Replicas[0]] }, 2, seed, Measure);

        Assert.Equal(6, measured);
    }

    [Fact]
    public void A_measurement_that_threw_is_not_kept()
    {
        long seed = 7_100_020;
        int calls = 0;
        (double, double) Throws()
        {
            calls++;
            throw new UnmeetableSloException("no load meets it");
        }

        Assert.Throws<UnmeetableSloException>(() => CellMemo.GetOrMeasure(Parsed(), 1, seed, Throws));
        Assert.Throws<UnmeetableSloException>(() => CellMemo.GetOrMeasure(Parsed(), 1, seed, Throws));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Callers_at_once_share_one_measurement()
    {
        long seed = 7_100_030;
        int measured = 0;
        using var gate = new ManualResetEventSlim();
        (double, double) Slow()
        {
            Interlocked.Increment(ref measured);
            gate.Wait(TimeSpan.FromSeconds(5));
            return (1, 0.5);
        }

        Task<(double, double)>[] callers = [.. Enumerable.Range(0, 4).Select(_ => Task.Run(() => CellMemo.GetOrMeasure(Parsed(), 1, seed, Slow)))];
        await Task.Delay(100);
        gate.Set();
        (double, double)[] results = await Task.WhenAll(callers);

        Assert.Equal(1, measured);
        Assert.All(results, r => Assert.Equal((1.0, 0.5), r));
    }

    [Fact]
    public void A_real_cell_taken_from_the_memo_is_the_measurement_itself()
    {
        long seed = 7_100_040;
        // CellCapacity.Measure goes through the memo: its figure is the bisection's own, and a second ask is not measured.
        (double tokens, double utilisation, _) = CellCapacity.MeasureRun(Parsed(), 1, seed);
        (double, double) memo = CellCapacity.Measure(Parsed(), 1, seed);
        (double, double) again = CellMemo.GetOrMeasure<(double, double)>(Parsed(), 1, seed, () => throw new InvalidOperationException("measured twice"));
        Assert.Equal((tokens, utilisation), memo);
        Assert.Equal(memo, again);
    }

    [Fact]
    public void The_points_of_a_cluster_sweep_over_policies_share_their_placements_cells()
    {
        // shared-cluster.yaml sweeps the policy and the job's shrinking: every point places the same serving deployment.
        Experiment experiment = ExperimentLoader.Load(Path.Combine(ClusterSim.Tests.RepositoryRoot.Path, "experiments", "shared-cluster.yaml"));
        Assert.True(experiment.Points.Count >= 2);
        int measured = 0;
        foreach (ExperimentPoint point in experiment.Points)
        {
            foreach (var d in point.Cluster!.Deployments)
            {
                foreach (var placement in d.Placements)
                {
                    CellMemo.GetOrMeasure(placement.Cell, d.CellReplicas, 7_100_050, () => (++measured, 0.5));
                }
            }
        }

        int placements = experiment.Points[0].Cluster!.Deployments.Sum(d => d.Placements.Count);
        Assert.Equal(placements, measured);
    }
}
