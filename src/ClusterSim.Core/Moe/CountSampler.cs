namespace ClusterSim.Core.Moe;

/// <summary>
/// Counter-based random numbers (SplitMix64 of seed and a counter): the draws of iteration i do not depend on how
/// many iterations were drawn before it, so stepping one iteration at a time and advancing several in one event
/// see the same routing. Binomials are drawn by inversion when small and by a normal approximation when large.
/// </summary>
internal struct CountSampler(ulong seed)
{
    private ulong _state = seed;

    public static CountSampler For(ulong seed, long iteration) => new(Mix(seed ^ Mix((ulong)iteration + 0x632BE59BD9B4E019UL)));

    public double NextDouble()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return (Mix(_state) >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Binomial(n, p).</summary>
    public int Binomial(int n, double p)
    {
        if (n <= 0 || p <= 0)
        {
            return 0;
        }

        if (p >= 1)
        {
            return n;
        }

        double mean = n * p;
        if (mean < 25)
        {
            // Inversion: walk the pmf from 0 (expected steps ≈ mean).
            double q = 1 - p, u = NextDouble(), pmf = Math.Pow(q, n), cdf = pmf;
            int k = 0;
            while (u > cdf && k < n)
            {
                pmf *= (n - k) / (double)(k + 1) * p / q;
                cdf += pmf;
                k++;
            }

            return k;
        }

        // Box–Muller normal approximation, continuity-corrected and clamped.
        double z = Math.Sqrt(-2 * Math.Log(1 - NextDouble())) * Math.Cos(2 * Math.PI * NextDouble());
        return (int)Math.Clamp(Math.Round(mean + (z * Math.Sqrt(mean * (1 - p)))), 0, n);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
