using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Inference.Workload;

/// <summary>When requests arrive: each call gives the gap to the next arrival after time <c>now</c>.</summary>
public abstract class ArrivalProcess
{
    /// <summary>Nanoseconds from <paramref name="now"/> to the next arrival.</summary>
    public abstract long NextGap(long now, RandomStream random);

    /// <summary>Long-run mean arrival rate, requests per second.</summary>
    public abstract double MeanRate { get; }

    /// <summary>Exponential gaps at a constant rate.</summary>
    public static ArrivalProcess Poisson(double ratePerSecond) => new PoissonArrivals(Positive(ratePerSecond, "rate"));

    /// <summary>Gamma gaps with the given coefficient of variation (CV &gt; 1 is burstier than Poisson).</summary>
    public static ArrivalProcess Gamma(double ratePerSecond, double cv) => new GammaArrivals(Positive(ratePerSecond, "rate"), Positive(cv, "cv"));

    /// <summary>Evenly spaced arrivals.</summary>
    public static ArrivalProcess Constant(double ratePerSecond) => new ConstantArrivals(Positive(ratePerSecond, "rate"));

    /// <summary>A Poisson process whose rate follows a daily sine: mean × (1 + amplitude × cos(2π (t − peak)/period)), by thinning.</summary>
    public static ArrivalProcess Diurnal(double meanRatePerSecond, double amplitude, double periodSeconds = 86_400, double peakSeconds = 50_400)
    {
        if (amplitude is < 0 or > 1)
        {
            throw new ArgumentException($"diurnal amplitude must be in [0, 1], got {amplitude}");
        }

        return new DiurnalArrivals(Positive(meanRatePerSecond, "rate"), amplitude, Positive(periodSeconds, "period"), peakSeconds);
    }

    /// <summary>
    /// A Poisson process whose rate follows <paramref name="ratePerSecondAt"/> (seconds → requests per second, never above
    /// <paramref name="maxRatePerSecond"/>), by thinning; nothing arrives before <paramref name="startSeconds"/>. A served
    /// demand curve that grows and swings by the day arrives this way.
    /// </summary>
    public static ArrivalProcess Varying(Func<double, double> ratePerSecondAt, double maxRatePerSecond, double meanRatePerSecond, double startSeconds = 0) =>
        new VaryingArrivals(ratePerSecondAt, Positive(maxRatePerSecond, "maximum rate"), Positive(meanRatePerSecond, "mean rate"), Math.Max(0, startSeconds));

    private static double Positive(double value, string name) =>
        value > 0 && double.IsFinite(value) ? value : throw new ArgumentException($"{name} must be positive, got {value}");

    private sealed class PoissonArrivals(double rate) : ArrivalProcess
    {
        public override double MeanRate => rate;

        public override long NextGap(long now, RandomStream random) => Math.Max(1, SimTime.FromSeconds(random.Exponential(rate)));
    }

    private sealed class GammaArrivals(double rate, double cv) : ArrivalProcess
    {
        private readonly double _shape = 1 / (cv * cv);

        public override double MeanRate => rate;

        public override long NextGap(long now, RandomStream random) => Math.Max(1, SimTime.FromSeconds(random.Gamma(_shape, _shape * rate)));
    }

    private sealed class ConstantArrivals(double rate) : ArrivalProcess
    {
        private readonly long _gap = Math.Max(1, SimTime.FromSeconds(1 / rate));

        public override double MeanRate => rate;

        public override long NextGap(long now, RandomStream random) => _gap;
    }

    private sealed class DiurnalArrivals(double mean, double amplitude, double period, double peak) : ArrivalProcess
    {
        private readonly double _max = mean * (1 + amplitude);

        public override double MeanRate => mean;

        public double RateAt(double seconds) => mean * (1 + (amplitude * Math.Cos(2 * Math.PI * (seconds - peak) / period)));

        public override long NextGap(long now, RandomStream random)
        {
            double t = SimTime.ToSeconds(now);
            double start = t;
            while (true)
            {
                t += random.Exponential(_max);
                if (random.NextDouble() * _max <= RateAt(t))
                {
                    return Math.Max(1, SimTime.FromSeconds(t - start));
                }
            }
        }
    }

    private sealed class VaryingArrivals(Func<double, double> rateAt, double max, double mean, double start) : ArrivalProcess
    {
        public override double MeanRate => mean;

        public override long NextGap(long now, RandomStream random)
        {
            double from = SimTime.ToSeconds(now);
            double t = Math.Max(from, start);
            while (true)
            {
                t += random.Exponential(max);
                if (random.NextDouble() * max <= rateAt(t))
                {
                    return Math.Max(1, SimTime.FromSeconds(t - from));
                }
            }
        }
    }
}
