using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace ClusterSim.Core.Engine;

/// <summary>
/// One independent stream of random numbers for one component of one replication (a MathNet
/// xoshiro256** generator). Draws never allocate.
/// </summary>
public sealed class RandomStream
{
    private readonly Xoshiro256StarStar _source;

    internal RandomStream(int seed) => _source = new Xoshiro256StarStar(seed, threadSafe: false);

    /// <summary>The underlying generator, for MathNet distributions that take one.</summary>
    public System.Random Source => _source;

    /// <summary>A uniform draw in [0, 1).</summary>
    public double NextDouble() => _source.NextDouble();

    /// <summary>A uniform integer in [0, <paramref name="exclusiveMax"/>).</summary>
    public int NextInt(int exclusiveMax) => _source.Next(exclusiveMax);

    /// <summary>An exponential draw with the given rate (mean 1/rate).</summary>
    public double Exponential(double rate) => -Math.Log(1.0 - _source.NextDouble()) / rate;

    /// <summary>A gamma draw with the given shape and rate (mean shape/rate).</summary>
    public double Gamma(double shape, double rate) => MathNet.Numerics.Distributions.Gamma.Sample(_source, shape, rate);

    /// <summary>A log-normal draw whose logarithm has mean <paramref name="mu"/> and standard deviation <paramref name="sigma"/>.</summary>
    public double LogNormal(double mu, double sigma) => MathNet.Numerics.Distributions.LogNormal.Sample(_source, mu, sigma);

    /// <summary>A normal draw.</summary>
    public double Normal(double mean, double standardDeviation) => MathNet.Numerics.Distributions.Normal.Sample(_source, mean, standardDeviation);

    /// <summary>A binomial draw: successes in <paramref name="trials"/> trials of probability <paramref name="p"/>.</summary>
    public int Binomial(double p, int trials) => MathNet.Numerics.Distributions.Binomial.Sample(_source, p, trials);
}
