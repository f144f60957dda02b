using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Replay;

/// <summary>Simulates a <see cref="ReplayCase"/> and reads the simulated means out for each of its measured rows.</summary>
public static class ReplayRunner
{
    /// <summary>
    /// Runs the case (with <paramref name="factors"/> in place of its calibration when given) and returns the simulated
    /// figures for each measured row, in row order. <paramref name="maxStageSeconds"/> shortens long stages (for
    /// fitting: a stage's steady state is reached in seconds, so a shorter one changes the means little and costs less).
    /// </summary>
    public static IReadOnlyList<(MeasuredRun Row, SimulatedStage Simulated)> Run(ReplayCase replay, EfficiencyFactors? factors = null, double maxStageSeconds = double.PositiveInfinity, long seed = 1)
    {
        // Factors given for a fit keep a V0 in-process engine's host costs, as the case's own calibration did.
        if (factors is not null && replay.V0InProcessHostCosts)
        {
            factors = VllmV0InProcess.Apply(factors, replay.Deployment.TensorParallel);
        }

        ServingDeployment deployment = factors is null ? replay.Deployment : replay.Deployment with { Efficiency = factors };
        LoadStage[] stages = replay.Stages.Select(s => s with { DurationSeconds = Math.Min(s.DurationSeconds, maxStageSeconds) }).ToArray();
        var ends = new long[stages.Length];
        double elapsed = 0;
        for (int i = 0; i < stages.Length; i++)
        {
            elapsed += stages[i].DurationSeconds;
            ends[i] = SimTime.FromSeconds(elapsed);
        }

        bool staged = replay.Arrival == ReplayArrival.Staged;
        if (!staged)
        {
            ends = [long.MaxValue];
        }

        var (prompt, output) = replay.Lengths?.Build() ?? (TokenLengths.Fixed(replay.PromptTokens), TokenLengths.Fixed(replay.OutputTokens));
        var observer = new StageObserver(ends, replay.ScoredOutputTokens, SimTime.FromSeconds(replay.ClientTimeoutSeconds), perRequestTpot: replay.Lengths is not null);
        var scenario = new ServingScenario
        {
            Replicas = replay.Prefill is { } prefill
                ? [prefill with { Deployment = factors is null ? prefill.Deployment : prefill.Deployment with { Efficiency = factors } }, new ReplicaGroup(deployment, replay.Scheduler, replay.Replicas)]
                : [new ReplicaGroup(deployment, replay.Scheduler, replay.Replicas)],
            Disaggregation = replay.Disaggregation,
            Router = Core.Inference.Routing.RouterKind.VllmDataParallel,   // data-parallel engines share requests as vLLM's balancer does
            Workload = streams => replay.Arrival switch
            {
                ReplayArrival.Staged => RequestSource.Staged(stages, prompt, output, replay.Prompts, streams),
                ReplayArrival.Gamma => RequestSource.Open(ArrivalProcess.Gamma(stages[0].RatePerSecond, 1 / Math.Sqrt(replay.Burstiness)), prompt, output, streams),
                ReplayArrival.Trace => RequestSource.Trace(((RequestLengths.Traced)replay.Lengths!).Records),
                _ => RequestSource.ClosedLoop(replay.Concurrency, 0, prompt, output, streams, rampNanos: SimTime.FromSeconds(replay.RampSeconds)),
            },
            InProcessSubmission = replay.InProcessSubmission,
            MaxRequests = staged ? (long)Math.Ceiling(stages.Sum(s => s.RatePerSecond * s.DurationSeconds)) + 1 : replay.Requests,
            Observer = observer,
            Classes = replay.Classes,
            ClientTimeoutSeconds = replay.ClientTimeoutSeconds,
            ClientConcurrencyCap = replay.ClientConcurrencyCap,
            Seed = seed,
            SampleSeries = false,   // a replay compares means and percentiles, never the series
        };
        ServingResult result = new ServingCluster(scenario).Run();
        if (!staged)
        {
            elapsed = result.DurationSeconds;
        }

        var results = new List<(MeasuredRun, SimulatedStage)>();
        foreach (MeasuredRun row in replay.Rows)
        {
            if (row.Class.Length > 0)
            {
                results.Add((row, ClassSummary(result, row.Class)));
            }
            else if (!staged || row.IsWholeRun || !int.TryParse(row.Stage, out int stage) || stage < 0 || stage >= stages.Length)
            {
                results.Add((row, observer.Summary(0, stages.Length - 1, elapsed) with { TimedOut = result.Metrics.TimedOut }));
            }
            else
            {
                results.Add((row, observer.Summary(stage, stage, stages[stage].DurationSeconds)));
            }
        }

        return results;
    }

    /// <summary>The simulated figures of the requests of one class (the scenario's class of that name), ms.</summary>
    private static SimulatedStage ClassSummary(ServingResult result, string name)
    {
        Core.Inference.ClassMetrics c = result.Metrics.Classes?.FirstOrDefault(m => m.Class.Name == name)
            ?? throw new InvalidOperationException($"the replay has no request class '{name}'");
        return new SimulatedStage(c.Ttft.Mean * 1e3, c.Tpot.Mean * 1e3, c.EndToEnd.Mean * 1e3, double.NaN, c.Completed)
        {
            TtftP50Ms = c.Ttft.Quantile(0.50) * 1e3,
            TtftP90Ms = c.Ttft.Quantile(0.90) * 1e3,
            TtftP99Ms = c.Ttft.Quantile(0.99) * 1e3,
            E2eP90Ms = c.EndToEnd.Quantile(0.90) * 1e3,
            E2eP99Ms = c.EndToEnd.Quantile(0.99) * 1e3,
        }.WithTokenTails(c.Tpot);
    }
}
