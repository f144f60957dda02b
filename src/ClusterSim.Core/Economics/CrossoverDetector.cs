namespace ClusterSim.Core.Economics;

/// <summary>Finds when one cumulative curve overtakes another, interpolating linearly between samples.</summary>
public static class CrossoverDetector
{
    /// <summary>
    /// The first time at which <paramref name="challenger"/> reaches <paramref name="incumbent"/> after having been
    /// below it (both sampled at <paramref name="times"/>); null when it never does. Curves that start equal and
    /// stay equal do not cross.
    /// </summary>
    public static double? Find(IReadOnlyList<double> times, IReadOnlyList<double> incumbent, IReadOnlyList<double> challenger)
    {
        if (times.Count != incumbent.Count || times.Count != challenger.Count)
        {
            throw new ArgumentException("times and both curves must have the same length");
        }

        bool wasBelow = false;
        for (int i = 0; i < times.Count; i++)
        {
            double gap = challenger[i] - incumbent[i];
            if (gap < 0)
            {
                wasBelow = true;
                continue;
            }

            if (!wasBelow)
            {
                continue;
            }

            double previousGap = challenger[i - 1] - incumbent[i - 1];
            double fraction = previousGap / (previousGap - gap);
            return times[i - 1] + (fraction * (times[i] - times[i - 1]));
        }

        return null;
    }
}
