namespace ClusterSim.Core.Inference;

// Expert routing's imbalance, kept per replica: its own sketch in iteration order, and the last two iterations' for the
// series, which the cluster samples as of any time (inside a macro-step too), the way FreeBlocks is.
public sealed partial class Replica
{
    private long _lastRoutedEnd = long.MinValue, _previousRoutedEnd = long.MinValue;
    private double _lastImbalance, _previousImbalance;

    /// <summary>This replica's routed iterations' imbalance (busiest accelerator over the mean); null without expert routing.</summary>
    public Metrics.QuantileSketch? ExpertImbalance { get; }

    /// <summary>A routed iteration that ended at <paramref name="end"/> had <paramref name="imbalance"/>.</summary>
    private void NoteImbalance(double imbalance, long end)
    {
        ExpertImbalance!.Add(imbalance);
        (_previousRoutedEnd, _previousImbalance) = (_lastRoutedEnd, _lastImbalance);
        (_lastRoutedEnd, _lastImbalance) = (end, imbalance);
    }

    /// <summary>
    /// The latest routed iteration that ended strictly before <paramref name="time"/>, as stepping one iteration at a time
    /// would have recorded it by then: within a macro-step, from its planned iterations; false when there is none (or the
    /// replica does not route experts). Asked at a sample, where every iteration ending at or before it has ended: only
    /// the one ending exactly then is too late, and the one before it is kept for that.
    /// </summary>
    public bool LatestRoutingBefore(long time, out long end, out double imbalance)
    {
        end = long.MinValue;
        imbalance = 0;
        if (_experts is null)
        {
            return false;
        }

        if (_macroIterations > 0)
        {
            long t = _iterationStart;
            for (int j = 0; j < _macroIterations && (t += Math.Abs(_macroDurations[j])) < time; j++)
            {
                (end, imbalance) = (t, _macroRouting[j].Imbalance);
            }

            if (end != long.MinValue)
            {
                return true;
            }
        }

        if (_lastRoutedEnd < time)
        {
            (end, imbalance) = (_lastRoutedEnd, _lastImbalance);
        }
        else if (_previousRoutedEnd < time)
        {
            (end, imbalance) = (_previousRoutedEnd, _previousImbalance);
        }

        return end != long.MinValue;
    }
}
