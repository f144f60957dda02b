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
        ServingDeployment deployment = factors is null ? replay.Deployment : replay.Deployment with { Efficiency = factors };
        LoadStage[] stages = replay.Stages.Select(s => s with { DurationSeconds = Math.Min(s.DurationSeconds, maxStageSeconds) }).ToArray();
        var ends = new long[stages.Length];
        double elapsed = 0;
        for (int i = 0; i < stages.Length; i++)
        {
            elapsed += stages[i].DurationSeconds;
            ends[i] = SimTime.FromSeconds(elapsed);
        }

        var observer = new StageObserver(ends, replay.ScoredOutputTokens);
        long requests = (long)Math.Ceiling(stages.Sum(s => s.RatePerSecond * s.DurationSeconds)) + 1;
        var scenario = new ServingScenario
        {
            Replicas = [new ReplicaGroup(deployment, replay.Scheduler, replay.Replicas)],
            Workload = streams => RequestSource.Staged(stages, TokenLengths.Fixed(replay.PromptTokens), TokenLengths.Fixed(replay.OutputTokens), replay.Reuse, streams),
            MaxRequests = requests,
            Observer = observer,
            Seed = seed,
        };
        new ServingCluster(scenario).Run();

        var results = new List<(MeasuredRun, SimulatedStage)>();
        foreach (MeasuredRun row in replay.Rows)
        {
            if (row.IsWholeRun || !int.TryParse(row.Stage, out int stage) || stage < 0 || stage >= stages.Length)
            {
                results.Add((row, observer.Summary(0, stages.Length - 1, elapsed)));
            }
            else
            {
                results.Add((row, observer.Summary(stage, stage, stages[stage].DurationSeconds)));
            }
        }

        return results;
    }
}
