namespace ClusterSim.Core.Metrics;

/// <summary>A time series sampled on a fixed grid (the last value seen in each interval), so its size grows with simulated time, not with events.</summary>
public sealed class SampledSeries
{
    private readonly List<double> _values = [];
    private readonly long _interval;
    private long _nextSample;
    private double _last;

    /// <summary>Creates a series with one point every <paramref name="intervalNanos"/>.</summary>
    public SampledSeries(string name, long intervalNanos)
    {
        Name = name;
        _interval = intervalNanos > 0 ? intervalNanos : throw new ArgumentOutOfRangeException(nameof(intervalNanos));
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
            _values.Add(_last);
            _nextSample += _interval;
        }

        _last = value;
    }

    /// <summary>Fills the grid up to <paramref name="now"/>.</summary>
    public void Close(long now) => Set(now, _last);
}
