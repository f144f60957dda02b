using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Replay;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace ClusterSim.Experiments.Calibration;

/// <summary>
/// Fits step-time factors to measured runs by replaying them through the whole simulator (queueing, batching and KV
/// included) and minimising the mean squared log error of mean TTFT, ITL and E2E over the scored rows, with
/// Nelder–Mead (MathNet.Numerics) in transformed coordinates so every trial is a valid set of factors.
/// </summary>
public static class Calibrator
{
    /// <summary>The factors fitted by default: the ones the serving runs pin down.</summary>
    public const string DefaultParameters =
        "gemm_efficiency,memory_efficiency,kv_read_efficiency,link_efficiency,step_overhead_ms,sequence_overhead_us,request_overhead_ms";

    /// <summary>
    /// Where a fit starts when it should owe nothing to an earlier fit (leave-one-out, a new accelerator): mid-range
    /// efficiencies and overheads of the right order, not fitted values.
    /// </summary>
    public static EfficiencyFactors NeutralStart { get; } = new()
    {
        Compute = 0.5, ExpertHalfWidth = 256, Memory = 0.7, Attention = 0.45, KvRead = 0.7, Link = 0.5, GemmHalfTokens = 64, GemmKernelSeconds = 3e-6,
        CollectiveLatencySeconds = 2e-6, IterationOverheadSeconds = 2e-3, SequenceOverheadSeconds = 5e-6, RequestOverheadSeconds = 0.01,
        SamplerCyclesPerEntry = 24,   // a few radix passes over keys and indices, a dozen SM cycles each, and the passes around them
    };

    /// <summary>
    /// Fits <paramref name="parameters"/> starting from <paramref name="start"/>, holding the other factors. With
    /// <paramref name="starts"/> above one the search also starts from points around <paramref name="start"/> (each free
    /// coordinate moved by ±<see cref="StartSpread"/>, alternating in sign from parameter to parameter and from start to
    /// start) and keeps the best: a replayed objective has flat ridges and ledges where one simplex stalls.
    /// </summary>
    public static CalibrationFit Fit(
        IReadOnlyList<ReplayCase> cases, EfficiencyFactors start, IReadOnlyList<FitParameter> parameters,
        double maxStageSeconds = 120, int maxEvaluations = 400, double tolerance = 1e-4, int starts = 1, FitMetrics metrics = FitMetrics.Default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(starts, 1);
        Validate(cases, metrics);

        // A factor no run here depends on (a recurrent layer's scan for attention-only models, the link on one accelerator)
        // would drift wherever the simplex leaves it and be written as if measured: it is held, and left out of the fit.
        var (bearing, atStart) = BearingAt(cases, start, parameters, maxStageSeconds, metrics);
        int evaluations = parameters.Count + 1;
        if (bearing.Count == 0)
        {
            return new CalibrationFit(start, atStart, evaluations, []);
        }

        parameters = bearing;
        CalibrationFit? best = null;
        for (int s = 0; s < starts; s++)
        {
            CalibrationFit fit = FitFrom(cases, Shifted(start, parameters, s), parameters, maxStageSeconds, maxEvaluations, tolerance, metrics);
            evaluations += fit.Evaluations;
            if (best is null || fit.Objective < best.Objective)
            {
                best = fit;
            }
        }

        return best! with { Evaluations = evaluations };
    }

    /// <summary>
    /// The parameters some scored row depends on: moved by one unit of the optimiser's free coordinate (a logit or a log)
    /// from <paramref name="start"/>, the objective changes. The replay is deterministic, so a parameter that changes no
    /// step time leaves the objective bit for bit as it was.
    /// </summary>
    public static IReadOnlyList<FitParameter> Bearing(
        IReadOnlyList<ReplayCase> cases, EfficiencyFactors start, IReadOnlyList<FitParameter> parameters, double maxStageSeconds = 120, FitMetrics metrics = FitMetrics.Default) =>
        BearingAt(cases, start, parameters, maxStageSeconds, metrics).Bearing;

    /// <summary><see cref="Bearing"/>, with the objective at <paramref name="start"/> it compared against.</summary>
    private static (IReadOnlyList<FitParameter> Bearing, double AtStart) BearingAt(
        IReadOnlyList<ReplayCase> cases, EfficiencyFactors start, IReadOnlyList<FitParameter> parameters, double maxStageSeconds, FitMetrics metrics)
    {
        double at = Loss(cases, start, maxStageSeconds, metrics);
        return ([.. parameters.Where(p => Loss(cases, p.Set(start, p.FromFree(p.ToFree(p.StartValue(start)) + 1)), maxStageSeconds, metrics) != at)], at);
    }

    /// <summary>How far, in the optimiser's free coordinates (logit or log), the extra starts sit from the first.</summary>
    public const double StartSpread = 0.7;

    /// <summary>The <paramref name="index"/>-th start: the given one, then each fitted coordinate moved by ±<see cref="StartSpread"/>.</summary>
    private static EfficiencyFactors Shifted(EfficiencyFactors start, IReadOnlyList<FitParameter> parameters, int index)
    {
        if (index == 0)
        {
            return start;
        }

        EfficiencyFactors shifted = start;
        for (int i = 0; i < parameters.Count; i++)
        {
            FitParameter p = parameters[i];
            double sign = ((i + index) % 2 == 0) ? 1 : -1;
            double spread = StartSpread * ((index + 1) / 2);
            shifted = p.Set(shifted, p.FromFree(p.ToFree(p.StartValue(start)) + (sign * spread)));
        }

        return shifted;
    }

    /// <summary>Why runs whose every scored row is saturated cannot be fitted.</summary>
    public const string NothingToFit =
        "no row can be fitted: every scored row is saturated (mean TTFT over 1 s at a rate or load the server could not keep up with, or failed requests), so its latency measures the length of the overload, not step times; compare such runs with `clustersim replay`";

    /// <summary>Why runs whose fittable rows publish neither a latency nor an output throughput cannot be fitted.</summary>
    public const string NoMetric =
        "no row can be fitted: the rows left to fit publish neither a mean TTFT, ITL or end-to-end latency nor an output throughput";

    /// <summary>Why runs whose fittable rows publish none of the metrics asked for cannot be fitted.</summary>
    public static string NoMetricOf(FitMetrics metrics) => metrics == FitMetrics.Default
        ? NoMetric
        : $"no row can be fitted: the rows left to fit publish none of the metrics asked for ({FitMetricsParser.Format(metrics)})";

    /// <summary>True when <paramref name="row"/> publishes a metric the objective scores under <paramref name="metrics"/> (by default a mean latency, or its output throughput).</summary>
    public static bool Measured(MeasuredRun row, FitMetrics metrics = FitMetrics.Default)
    {
        ArgumentNullException.ThrowIfNull(row);
        bool latency = (metrics.HasFlag(FitMetrics.Ttft) && row.TtftMs is > 0) || (metrics.HasFlag(FitMetrics.TtftMedian) && row.TtftP50Ms is > 0)
            || (metrics.HasFlag(FitMetrics.Itl) && row.ItlMs is > 0) || (metrics.HasFlag(FitMetrics.E2e) && row.E2eMs is > 0)
            || (metrics.HasFlag(FitMetrics.TpotMedian) && row.TpotP50Ms is > 0);
        bool throughput = row.ThroughputTokensPerSecond is > 0 && (metrics.HasFlag(FitMetrics.Throughput) || metrics == FitMetrics.Default);
        return latency || throughput;
    }

    private static void Validate(IReadOnlyList<ReplayCase> cases, FitMetrics metrics)
    {
        if (cases.Count == 0)
        {
            throw new ArgumentException("there are no measured runs to fit");
        }

        if (!cases.Any(c => c.FitRows.Any()))
        {
            throw new ArgumentException(NothingToFit);
        }

        if (!cases.Any(c => c.FitRows.Any(r => Measured(r, metrics))))
        {
            throw new ArgumentException(NoMetricOf(metrics));
        }
    }

    private static CalibrationFit FitFrom(
        IReadOnlyList<ReplayCase> cases, EfficiencyFactors start, IReadOnlyList<FitParameter> parameters,
        double maxStageSeconds, int maxEvaluations, double tolerance, FitMetrics metrics)
    {
        int evaluations = 0;
        Vector<double>? best = null;
        double bestLoss = double.PositiveInfinity;
        EfficiencyFactors Factors(Vector<double> x)
        {
            EfficiencyFactors f = start;
            for (int i = 0; i < parameters.Count; i++)
            {
                f = parameters[i].Set(f, parameters[i].FromFree(x[i]));
            }

            return f;
        }

        double Objective(Vector<double> x)
        {
            evaluations++;
            double loss = Loss(cases, Factors(x), maxStageSeconds, metrics);
            if (loss < bestLoss)
            {
                bestLoss = loss;
                best = x.Clone();
            }

            return loss;
        }

        // Three passes, each restarting the simplex at the best point so far with smaller steps: a simplex that has
        // collapsed along one direction early gets its other directions back.
        var initial = Vector<double>.Build.Dense(parameters.Select(p => p.ToFree(p.StartValue(start))).ToArray());
        foreach (var (step, share) in new[] { (0.5, 0.6), (0.15, 0.25), (0.05, 0.15) })
        {
            Vector<double> from = best ?? initial;
            var steps = Vector<double>.Build.Dense(parameters.Count, step);
            try
            {
                new NelderMeadSimplex(tolerance, Math.Max(10, (int)(maxEvaluations * share))).FindMinimum(ObjectiveFunction.Value(Objective), from, steps);
            }
            catch (MaximumIterationsException)
            {
                // This pass's budget ran out before the simplex shrank: the best point seen carries on.
            }
        }

        return new CalibrationFit(Factors(best ?? initial), bestLoss, evaluations, parameters);
    }

    /// <summary>
    /// Mean over scored, unsaturated rows and their measured metrics of (ln(simulated / measured))²: by default a row's
    /// mean TTFT, ITL and end-to-end latency, or its output throughput when it publishes none of them (offline benchmarks
    /// such as trtllm-bench's overview publish only that); <paramref name="metrics"/> picks others. Saturated rows are
    /// left out: shortened stages (<paramref name="maxStageSeconds"/>) would cut their backlog short, and their latency
    /// measures the overload's length more than the step time.
    /// </summary>
    public static double Loss(IReadOnlyList<ReplayCase> cases, EfficiencyFactors factors, double maxStageSeconds, FitMetrics metrics = FitMetrics.Default)
    {
        ReplayReport report = ReplayReport.Run(cases, [], _ => factors, maxStageSeconds);
        double sum = 0;
        int n = 0;
        foreach (ReplayOutcome o in report.Outcomes.Where(o => o.Case.FitRows.Contains(o.Row)))
        {
            int before = n;
            if (metrics.HasFlag(FitMetrics.Ttft))
            {
                Add(o.TtftError);
            }

            if (metrics.HasFlag(FitMetrics.TtftMedian))
            {
                Add(o.TtftP50Error);
            }

            if (metrics.HasFlag(FitMetrics.Itl))
            {
                Add(o.ItlError);
            }

            if (metrics.HasFlag(FitMetrics.TpotMedian))
            {
                Add(o.TpotP50Error);
            }

            if (metrics.HasFlag(FitMetrics.E2e))
            {
                Add(o.E2eError);
            }

            if (metrics.HasFlag(FitMetrics.Throughput) || (metrics == FitMetrics.Default && n == before))
            {
                Add(o.ThroughputError);
            }
        }

        return n == 0 ? double.PositiveInfinity : sum / n;

        void Add(double error)
        {
            if (double.IsFinite(error))
            {
                double log = Math.Log(Math.Clamp(1 + error, 1e-3, 1e3));
                sum += log * log;
                n++;
            }
        }
    }
}
