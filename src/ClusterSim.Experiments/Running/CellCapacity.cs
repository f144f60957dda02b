using ClusterSim.Core.Inference;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Studies;

namespace ClusterSim.Experiments.Running;

/// <summary>
/// Measures how many output tokens per second one replica serves while holding the SLO, by simulating a cell of
/// replicas in full detail under Poisson arrivals and bisecting the load: the highest load at which at least
/// <see cref="Attainment"/> of requests meet both the TTFT and the TPOT bound (goodput, as DistServe defines it).
/// The fleet is then sized in replicas of this capacity.
/// </summary>
public static class CellCapacity
{
    private const int Bisections = 7;
    private const double LowestLoad = 0.02;

    /// <summary>Share of requests that must meet the SLO.</summary>
    public const double Attainment = 0.95;

    /// <summary>Output tokens per second per replica at the SLO, and the replicas' busy share there.</summary>
    /// <exception cref="UnmeetableSloException">Even at the lowest load the cell misses the SLO.</exception>
    /// <remarks>Measured once per distinct cell, size and seed in a process (<see cref="CellMemo"/>): a sweep's points that leave the cell as it is share it.</remarks>
    public static (double TokensPerSecond, double Utilisation) Measure(ServingPoint serving, int cellReplicas, long seed) =>
        CellMemo.GetOrMeasure(serving, cellReplicas, seed, () =>
        {
            (double tokens, double utilisation, _) = MeasureRun(serving, cellReplicas, seed);
            return (tokens, utilisation);
        });

    /// <summary>As <see cref="Measure"/>, with the cell's run at that load (its latency distributions, say).</summary>
    /// <exception cref="UnmeetableSloException">Even at the lowest load the cell misses the SLO.</exception>
    public static (double TokensPerSecond, double Utilisation, ServingResult Run) MeasureRun(ServingPoint serving, int cellReplicas, long seed)
    {
        ReplicaGroup group = serving.Replicas[0] with { Count = cellReplicas };
        return MeasureCell(serving with { Replicas = [group], Arrival = serving.Arrival with { Kind = ArrivalKind.Poisson, Rate = null, Load = 1 } }, cellReplicas, seed);
    }

    /// <summary>
    /// As <see cref="Measure"/> for a disaggregated unit (<paramref name="unit"/>: its prefill replicas, then its decode
    /// replicas, and the split): output tokens per second per unit on a cell of <paramref name="units"/> of them, and the
    /// busy shares of its prefill and of its decode replicas there, apart.
    /// </summary>
    /// <exception cref="UnmeetableSloException">Even at the lowest load the cell misses the SLO.</exception>
    /// <remarks>Measured once per distinct unit, cell size and seed in a process (<see cref="CellMemo"/>).</remarks>
    public static (double TokensPerSecond, double PrefillUtilisation, double DecodeUtilisation) MeasureUnits(ServingPoint unit, int units, long seed) =>
        CellMemo.GetOrMeasure(unit, units, seed, () =>
        {
            (double tokens, _, ServingResult run) = MeasureUnitsRun(unit, units, seed);
            (double prefill, double decode) = run.PoolUtilisation!.Value;
            return (tokens, prefill, decode);
        });

    /// <summary>As <see cref="MeasureUnits"/>, with the cell's run at that load (its latency distributions, its pools' busy shares).</summary>
    /// <exception cref="UnmeetableSloException">Even at the lowest load the cell misses the SLO.</exception>
    public static (double TokensPerSecond, double Utilisation, ServingResult Run) MeasureUnitsRun(ServingPoint unit, int units, long seed)
    {
        Disaggregation split = unit.Disaggregation ?? throw new ArgumentException("a unit of prefill and decode replicas needs its disaggregation", nameof(unit));
        ServingPoint cell = unit with
        {
            Replicas = [.. unit.Replicas.Select(g => g with { Count = g.Count * units })],
            Disaggregation = split with { PrefillReplicas = split.PrefillReplicas * units },
            Arrival = unit.Arrival with { Kind = ArrivalKind.Poisson, Rate = null, Load = 1 },
        };
        return MeasureCell(cell, units, seed);
    }

    /// <summary>The highest Poisson load at which the cell meets the SLO, bisected; its output tokens per second over <paramref name="units"/>.</summary>
    private static (double TokensPerSecond, double Utilisation, ServingResult Run) MeasureCell(ServingPoint cell, int units, long seed)
    {
        ReplicaGroup group = cell.Replicas[0];
        double saturation = SaturationFinder.Measure(cell, seed);
        ServingResult? best = Attempt(cell, LowestLoad * saturation, seed);
        if (best is null)
        {
            throw new UnmeetableSloException(
                $"serving: {group.Deployment.Model.Id} on {group.Deployment.Accelerator.Id} cannot serve {Attainment:P0} of requests within the SLO (TTFT ≤ {cell.Slo.TtftSeconds} s, TPOT ≤ {cell.Slo.TpotSeconds} s) even at {LowestLoad:P0} load; relax the SLO or use more parallelism");
        }

        double low = LowestLoad, high = 1.0;
        for (int i = 0; i < Bisections; i++)
        {
            double mid = (low + high) / 2;
            if (Attempt(cell, mid * saturation, seed) is { } result)
            {
                low = mid;
                best = result;
            }
            else
            {
                high = mid;
            }
        }

        return (best.OutputTokensPerSecond / units, best.Utilisation, best);
    }

    /// <summary>
    /// USD per output token of replicas that each serve <paramref name="tokensPerSecond"/> at the SLO, run at
    /// 1 − <paramref name="headroom"/> of it, on <paramref name="accelerators"/> accelerators at <paramref name="pricePerHour"/> each.
    /// </summary>
    public static double UsdPerToken(double pricePerHour, int accelerators, double tokensPerSecond, double headroom) =>
        pricePerHour * accelerators / (tokensPerSecond * (1 - headroom) * 3600);

    private static ServingResult? Attempt(ServingPoint cell, double rate, long seed)
    {
        // Only the attempt's totals and latency distributions decide: its time series are not sampled.
        ServingResult result = new ServingCluster(ServingStudy.Scenario(cell, rate, seed) with { SampleSeries = false }).Run();
        ServingMetrics m = result.Metrics;
        bool meets = m.Completed > 0 && m.MeetingSlo >= Attainment * m.Completed;
        return meets ? result : null;
    }
}
