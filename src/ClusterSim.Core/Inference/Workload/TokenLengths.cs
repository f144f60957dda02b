using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Inference.Workload;

/// <summary>A distribution of token counts (prompt or output), clamped to [1, <see cref="Max"/>].</summary>
public abstract class TokenLengths
{
    /// <summary>Upper clamp of every draw.</summary>
    public int Max { get; init; } = 1_000_000;

    /// <summary>Draws one length.</summary>
    public int Sample(RandomStream random) => (int)Math.Clamp(Math.Round(Draw(random)), 1, Max);

    /// <summary>The expected length before clamping.</summary>
    public abstract double Mean { get; }

    /// <summary>Draws one unclamped value.</summary>
    protected abstract double Draw(RandomStream random);

    /// <summary>Every request has <paramref name="tokens"/> tokens.</summary>
    public static TokenLengths Fixed(int tokens) => new FixedLengths(tokens);

    /// <summary>Uniform on [min, max].</summary>
    public static TokenLengths Uniform(int min, int max) => new UniformLengths(min, max);

    /// <summary>Log-normal with the given mean and median (spread follows from their ratio).</summary>
    public static TokenLengths LogNormalFromMeanMedian(double mean, double median, int max = 1_000_000)
    {
        if (median <= 0 || mean < median)
        {
            throw new ArgumentException($"a log-normal needs 0 < median <= mean (median {median}, mean {mean})");
        }

        return new LogNormalLengths(Math.Log(median), Math.Sqrt(2 * Math.Log(mean / median))) { Max = max };
    }

    /// <summary>Log-normal with the given mean and log-space standard deviation sigma.</summary>
    public static TokenLengths LogNormalFromMeanSigma(double mean, double sigma, int max = 1_000_000)
    {
        if (mean <= 0 || sigma < 0)
        {
            throw new ArgumentException($"a log-normal needs mean > 0 and sigma >= 0 (mean {mean}, sigma {sigma})");
        }

        return new LogNormalLengths(Math.Log(mean) - (sigma * sigma / 2), sigma) { Max = max };
    }

    /// <summary>Resamples observed lengths (for example the lengths of a trace).</summary>
    public static TokenLengths Empirical(IReadOnlyList<int> observed) => new EmpiricalLengths(observed);

    /// <summary>
    /// Replays recorded lengths in their order, one a draw, starting over after the last: the lengths a benchmark client
    /// sent, request by request (no randomness).
    /// </summary>
    public static TokenLengths Sequence(IReadOnlyList<int> recorded) => new SequenceLengths(recorded);

    /// <summary>
    /// Answers that end at the end-of-sequence token or at <paramref name="maxTokens"/>, whichever comes first, the end
    /// token as likely after every token as after any other: lengths geometric and truncated at the tokens asked for, the
    /// chance of going on after a token solved so that the mean is <paramref name="mean"/> (what a benchmark whose server
    /// stopped answers at EOS publishes). A mean at the cap makes every answer that long.
    /// </summary>
    public static TokenLengths StoppedAtEos(int maxTokens, double mean)
    {
        if (maxTokens < 1 || !(mean >= 1) || mean > maxTokens)
        {
            throw new ArgumentException($"answers stopped at EOS need 1 <= mean <= the tokens asked for (mean {mean}, asked {maxTokens})");
        }

        return new EosLengths(maxTokens, GoOnChance(maxTokens, mean)) { Max = maxTokens };
    }

    /// <summary>The share of <see cref="StoppedAtEos"/>'s answers that reach the cap: those that went on after each of its first cap − 1 tokens.</summary>
    public static double StoppedAtEosShareAtCap(int maxTokens, double mean) => Math.Pow(GoOnChance(maxTokens, mean), maxTokens - 1);

    /// <summary>The chance q of going on after a token that makes answers capped at <paramref name="cap"/> average <paramref name="mean"/>: (1 − q^cap) / (1 − q) = mean.</summary>
    private static double GoOnChance(int cap, double mean)
    {
        if (mean >= cap)
        {
            return 1;
        }

        double low = 0, high = 1;
        for (int i = 0; i < 100; i++)
        {
            double q = (low + high) / 2;
            if (EosLengths.TruncatedMean(cap, q) < mean)
            {
                low = q;
            }
            else
            {
                high = q;
            }
        }

        return (low + high) / 2;
    }

    private sealed class EosLengths(int cap, double goOn) : TokenLengths
    {
        private readonly double _logGoOn = Math.Log(goOn);

        public override double Mean => TruncatedMean(cap, goOn);

        /// <summary>The mean of min(cap, a geometric count of tokens ending with the first end token): the sum over k &lt; cap of q^k.</summary>
        public static double TruncatedMean(int cap, double q) => q >= 1 ? cap : (1 - Math.Pow(q, cap)) / (1 - q);

        protected override double Draw(RandomStream random)
        {
            if (goOn >= 1)
            {
                return cap;
            }

            // P(length >= k) = q^(k - 1): the first k - 1 tokens all went on.
            double u = 1 - random.NextDouble();
            return goOn <= 0 ? 1 : Math.Min(cap, 1 + Math.Floor(Math.Log(u) / _logGoOn));
        }
    }

    private sealed class FixedLengths(int tokens) : TokenLengths
    {
        public override double Mean => tokens;

        protected override double Draw(RandomStream random) => tokens;
    }

    private sealed class UniformLengths(int min, int max) : TokenLengths
    {
        public override double Mean => (min + max) / 2.0;

        protected override double Draw(RandomStream random) => min + random.NextInt(max - min + 1);
    }

    private sealed class LogNormalLengths(double mu, double sigma) : TokenLengths
    {
        public override double Mean => Math.Exp(mu + (sigma * sigma / 2));

        protected override double Draw(RandomStream random) => random.LogNormal(mu, sigma);
    }

    private sealed class EmpiricalLengths : TokenLengths
    {
        private readonly int[] _values;

        public EmpiricalLengths(IReadOnlyList<int> observed)
        {
            if (observed.Count == 0)
            {
                throw new ArgumentException("an empirical distribution needs at least one observation");
            }

            _values = observed.ToArray();
        }

        public override double Mean => _values.Average();

        protected override double Draw(RandomStream random) => _values[random.NextInt(_values.Length)];
    }

    private sealed class SequenceLengths : TokenLengths
    {
        private readonly int[] _values;
        private int _next;

        public SequenceLengths(IReadOnlyList<int> recorded)
        {
            if (recorded.Count == 0)
            {
                throw new ArgumentException("a recorded sequence of lengths needs at least one length");
            }

            _values = recorded.ToArray();
        }

        public override double Mean => _values.Average();

        protected override double Draw(RandomStream random)
        {
            int value = _values[_next];
            _next = _next + 1 == _values.Length ? 0 : _next + 1;
            return value;
        }
    }
}
