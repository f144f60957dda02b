namespace ClusterSim.Core.Economics;

/// <summary>
/// A demand shape measured rather than assumed: output tokens per second held from each step's start until the next
/// step's, the whole repeating with its span (a week of hourly counts stands for every week after it).
/// </summary>
public sealed class DemandProfile
{
    private readonly double[] _starts;        // seconds from the profile's start: ascending, the first 0
    private readonly double[] _rates;         // output tokens per second over each step
    private readonly double[] _before;        // tokens before each step's start; one more entry: the whole span's

    /// <param name="starts">Each step's start, seconds from the first (which must be 0), strictly ascending.</param>
    /// <param name="rates">Output tokens per second over each step, finite and not negative, one at least positive.</param>
    /// <param name="spanSeconds">Where the last step ends and the profile repeats, after the last start.</param>
    /// <param name="source">Where the profile came from (a file's full path), for the resolved experiment to name.</param>
    public DemandProfile(IReadOnlyList<double> starts, IReadOnlyList<double> rates, double spanSeconds, string source)
    {
        if (starts.Count == 0 || starts.Count != rates.Count || starts[0] != 0 || !(spanSeconds > starts[^1]) || double.IsInfinity(spanSeconds))
        {
            throw new ArgumentException("a demand profile needs one rate per step, steps from 0 and a span past the last step's start");
        }

        _starts = [.. starts];
        _rates = [.. rates];
        _before = new double[_rates.Length + 1];
        for (int i = 0; i < _rates.Length; i++)
        {
            double end = i + 1 < _starts.Length ? _starts[i + 1] : spanSeconds;
            if (!(end > _starts[i]) || !double.IsFinite(_rates[i]) || _rates[i] < 0)
            {
                throw new ArgumentException($"demand profile step {i}: starts must ascend and rates be finite and not negative");
            }

            _before[i + 1] = _before[i] + (_rates[i] * (end - _starts[i]));
            PeakRate = Math.Max(PeakRate, _rates[i]);
        }

        if (!(PeakRate > 0))
        {
            throw new ArgumentException("a demand profile must ask for some tokens");
        }

        SpanSeconds = spanSeconds;
        Source = source;
    }

    /// <summary>Seconds after which the profile repeats.</summary>
    public double SpanSeconds { get; }

    /// <summary>The highest step's rate, output tokens per second.</summary>
    public double PeakRate { get; }

    /// <summary>Output tokens per second over the whole span.</summary>
    public double MeanRate => _before[^1] / SpanSeconds;

    /// <summary>Steps in one span.</summary>
    public int Steps => _rates.Length;

    /// <summary>Step <paramref name="i"/> of a span: when it starts, how long it lasts (seconds) and its rate (output tokens a second).</summary>
    public (double Start, double Seconds, double Rate) Step(int i) =>
        (_starts[i], (i + 1 < _starts.Length ? _starts[i + 1] : SpanSeconds) - _starts[i], _rates[i]);

    /// <summary>Where the profile came from: a file's full path.</summary>
    public string Source { get; }

    /// <summary>The same steps, every rate times <paramref name="factor"/>.</summary>
    public DemandProfile Scaled(double factor) => new(_starts, [.. _rates.Select(r => r * factor)], SpanSeconds, Source);

    /// <summary>Output tokens per second at <paramref name="seconds"/> from the profile's start (a step's start belongs to it).</summary>
    public double RateAt(double seconds)
    {
        (_, int step) = Locate(seconds);
        return _rates[step];
    }

    /// <summary>
    /// The highest rate of the steps that <paramref name="fromSeconds"/> to <paramref name="toSeconds"/> touches, both ends
    /// included (so a step beginning at the end counts, as an autoscaler sizing for the coming interval sees it).
    /// </summary>
    public double PeakBetween(double fromSeconds, double toSeconds)
    {
        if (toSeconds - fromSeconds >= SpanSeconds)
        {
            return PeakRate;
        }

        double peak = RateAt(toSeconds);
        (long period, int step) = Locate(fromSeconds);
        while (StartOf(period, step) < toSeconds)
        {
            peak = Math.Max(peak, _rates[step]);
            Next(ref period, ref step);
        }

        return peak;
    }

    /// <summary>
    /// Output tokens between two times, seconds from the profile's start, each step's rate multiplied by
    /// e^(<paramref name="growthPerSecond"/> · t): the integral of growing steps, exact step by step.
    /// </summary>
    public double TokensBetween(double fromSeconds, double toSeconds, double growthPerSecond)
    {
        if (!(toSeconds > fromSeconds))
        {
            return 0;
        }

        if (growthPerSecond == 0)
        {
            return Cumulative(toSeconds) - Cumulative(fromSeconds);
        }

        double tokens = 0;
        (long period, int step) = Locate(fromSeconds);
        for (double start = fromSeconds; start < toSeconds;)
        {
            double end = Math.Min(toSeconds, StartOf(period, step + 1));
            if (end > start)
            {
                tokens += _rates[step] * Grown(start, end, growthPerSecond);
            }

            start = Math.Max(start, end);
            Next(ref period, ref step);
            if (StartOf(period, step) >= toSeconds)
            {
                break;
            }
        }

        return tokens;
    }

    /// <summary>∫ e^(k·t) dt from <paramref name="a"/> to <paramref name="b"/>, keeping its digits when k·(b − a) is small.</summary>
    private static double Grown(double a, double b, double k)
    {
        double x = k * (b - a);
        return Math.Abs(x) < 1e-6
            ? Math.Exp(k * a) * (b - a) * (1 + (x / 2) + (x * x / 6))
            : (Math.Exp(k * b) - Math.Exp(k * a)) / k;
    }

    /// <summary>Tokens from the profile's start to <paramref name="seconds"/>, without growth.</summary>
    private double Cumulative(double seconds)
    {
        (long period, int step) = Locate(seconds);
        double within = Math.Max(0, seconds - StartOf(period, step));
        return (period * _before[^1]) + _before[step] + (_rates[step] * within);
    }

    /// <summary>The span and step holding <paramref name="seconds"/> (before the start: the first step).</summary>
    private (long Period, int Step) Locate(double seconds)
    {
        if (!(seconds > 0))
        {
            return (0, 0);
        }

        long period = (long)Math.Floor(seconds / SpanSeconds);
        double offset = seconds - (period * SpanSeconds);
        if (offset >= SpanSeconds)
        {
            period++;
            offset = 0;
        }

        int step = Array.BinarySearch(_starts, Math.Max(0, offset));
        return (period, step >= 0 ? step : ~step - 1);
    }

    /// <summary>Where step <paramref name="step"/> of span <paramref name="period"/> starts (a step past the last: the next span's).</summary>
    private double StartOf(long period, int step) =>
        (period * SpanSeconds) + (step < _starts.Length ? _starts[step] : SpanSeconds);

    private void Next(ref long period, ref int step)
    {
        if (++step == _starts.Length)
        {
            step = 0;
            period++;
        }
    }
}
