namespace ClusterSim.Core.Metrics;

/// <summary>
/// A time series sampled on a fixed grid (the last value seen in each interval), so its size grows with simulated time,
/// not with events. With a bound on its points, a full series keeps every second point and doubles its interval, so
/// any run length fits in at most that many points (each still the value at its grid time).
/// </summary>
public sealed class SampledSeries
{
    private readonly List<double> _values;
    private readonly int _maxPoints;
    private long _interval;
    private long _nextSample;
    private double _last;

    /// <summary>Creates a series with one point every <paramref name="intervalNanos"/>, at most <paramref name="maxPoints"/> of them (0: unbounded).</summary>
    public SampledSeries(string name, long intervalNanos, int maxPoints = 0)
    {
        Name = name;
        _interval = intervalNanos > 0 ? intervalNanos : throw new ArgumentOutOfRangeException(nameof(intervalNanos));
        _maxPoints = maxPoints is 0 or >= 2 ? maxPoints : throw new ArgumentOutOfRangeException(nameof(maxPoints), "a bounded series keeps at least 2 points");
        _values = [];   // grown as points come: a short run (a capacity search's attempt) takes a few, not its bound
    }

    /// <summary>What the series measures.</summary>
    public string Name { get; }

    /// <summary>Sampling interval, ns.</summary>
    public long IntervalNanos => _interval;

    /// <summary>Sampled values; point i is at time i × interval.</summary>
    public IReadOnlyList<double> Values => _values;

    /// <summary>Records the value the quantity takes from <paramref name="now"/> on.</summary>
    public void Set(long now, double value)
    {
        while (now >= _nextSample)
        {
            if (_maxPoints > 0 && _values.Count == _maxPoints)
            {
                Coarsen();
                continue;   // the grid moved: compare again with the new next sample time
            }

            _values.Add(_last);
            _nextSample += _interval;
        }

        _last = value;
    }

    /// <summary>Keeps the points at even grid positions and doubles the interval; the next point falls on the new grid.</summary>
    private void Coarsen()
    {
        int kept = (_values.Count + 1) / 2;
        for (int i = 0; i < kept; i++)
        {
            _values[i] = _values[2 * i];
        }

        _values.RemoveRange(kept, _values.Count - kept);
        _interval *= 2;
        _nextSample = kept * _interval;
    }

    /// <summary>Fills the grid up to <paramref name="now"/>.</summary>
    public void Close(long now) => Set(now, _last);
}
