namespace ClusterSim.Experiments.Results;

/// <summary>
/// MSER-5 (White, 1997; the marginal standard error rule on batch means of five): where a run's start-up transient
/// ends. Of the batch means Z₁ … Z_m of five consecutive observations, leaving out the first d gives the squared standard
/// error Σⱼ₌d₊₁..m (Zⱼ − Z̄_d)² / (m − d)²; the d that minimises it, among the batches before the middle (d ≤ (m − 1) / 2), is the
/// truncation point (in the second half a small tail can look spuriously steady).
/// </summary>
public static class Mser
{
    /// <summary>Observations a batch averages.</summary>
    public const int Batch = 5;

    /// <summary>The fewest batches the rule is applied to; a shorter series is not truncated.</summary>
    public const int MinBatches = 10;

    /// <summary>
    /// How many leading observations of <paramref name="series"/> to leave out (a multiple of <see cref="Batch"/>), or null
    /// when the series is too short to judge (fewer than <see cref="MinBatches"/> batches).
    /// </summary>
    public static int? Truncation(IReadOnlyList<double> series)
    {
        int m = series.Count / Batch;
        if (m < MinBatches)
        {
            return null;
        }

        var means = new double[m];
        for (int j = 0; j < m; j++)
        {
            double sum = 0;
            for (int k = 0; k < Batch; k++)
            {
                sum += series[(j * Batch) + k];
            }

            means[j] = sum / Batch;
        }

        // From the back: sums of the kept batches and of their squares give each d's statistic in one pass.
        double sumZ = 0, sumZ2 = 0, best = double.PositiveInfinity;
        int bestD = 0;
        for (int d = m - 1; d >= 0; d--)
        {
            sumZ += means[d];
            sumZ2 += means[d] * means[d];
            int kept = m - d;
            if (2 * d > m - 1)
            {
                continue;   // strictly before the middle: the truncation's time stays within the run's first half
            }

            double mean = sumZ / kept;
            double statistic = Math.Max(0, sumZ2 - (kept * mean * mean)) / ((double)kept * kept);
            if (statistic <= best)
            {
                // Ties go to the earlier truncation: less data thrown away for the same precision.
                best = statistic;
                bestD = d;
            }
        }

        return bestD * Batch;
    }
}
