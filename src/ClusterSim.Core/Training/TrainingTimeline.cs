using ClusterSim.Core.Engine;
using ClusterSim.Core.Metrics;

namespace ClusterSim.Core.Training;

/// <summary>
/// Turns a run's segments into utilisation over time: per bucket, the share of accelerator time in compute,
/// communication, pipeline bubble, checkpointing, restarts and work lost to failures (shares sum to 1).
/// </summary>
public static class TrainingTimeline
{
    /// <summary>At most <paramref name="maxPoints"/> buckets of whole hours.</summary>
    public static SeriesTable Build(TrainingResult result, int maxPoints)
    {
        if (result.WallSeconds <= 0)
        {
            return SeriesTable.Empty;
        }

        double bucketHours = Math.Max(1, Math.Ceiling(result.WallSeconds / 3600 / maxPoints));
        long bucket = SimTime.FromSeconds(bucketHours * 3600);
        long wall = SimTime.FromSeconds(result.WallSeconds);
        int n = (int)Math.Ceiling(wall / (double)bucket);
        string[] names = ["compute", "communication", "bubble", "checkpoint", "restart", "lost"];
        var columns = names.Select(_ => new double[n]).ToArray();
        double[][] splits = result.StageSteps.Select(step => new[]
        {
            (step.ComputeSeconds + step.MemoryBoundSeconds) / step.StepSeconds,
            step.CommunicationSeconds / step.StepSeconds,
            (step.PipelineBubbleSeconds + step.OverheadSeconds) / step.StepSeconds,
        }).ToArray();

        foreach (TrainingSegment s in result.Segments)
        {
            for (long t = s.Start; t < s.End;)
            {
                int i = (int)(t / bucket);
                long end = Math.Min(s.End, (i + 1) * bucket);
                long length = Math.Min(bucket, wall - (i * bucket));   // the last bucket may be partial
                double share = (end - t) / (double)length;
                switch (s.Phase)
                {
                    case TrainingPhase.Training:
                        for (int k = 0; k < 3; k++)
                        {
                            columns[k][i] += share * splits[s.Stage][k];
                        }

                        break;
                    case TrainingPhase.Checkpoint:
                        columns[3][i] += share;
                        break;
                    case TrainingPhase.Restart:
                        columns[4][i] += share;
                        break;
                    default:
                        columns[5][i] += share;
                        break;
                }

                t = end;
            }
        }

        var time = Enumerable.Range(0, n).Select(i => i * bucketHours * 3600).ToArray();
        return new SeriesTable(time, names.Select((name, k) => new SeriesColumn(name, "share", columns[k])).ToArray());
    }
}
