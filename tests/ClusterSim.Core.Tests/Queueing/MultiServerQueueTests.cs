using System.Security.Cryptography;
using System.Text;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Queueing;
using MathNet.Numerics.Distributions;

namespace ClusterSim.Core.Tests.Queueing;

/// <summary>Checks the engine against closed-form queueing results, inside a 99 % interval over replications.</summary>
public class MultiServerQueueTests
{
    private const int Replications = 12;
    private const double Horizon = 60_000;   // seconds of simulated time per replication
    private const double Warmup = 2_000;

    [Fact]
    public void MM1_mean_wait_and_utilisation_match_theory()
    {
        const double lambda = 0.7, mu = 1.0;
        double rho = lambda / mu;
        double expectedWait = rho / (mu - lambda);
        var (waits, utils) = Replicate(1, lambda, s => s.Exponential(mu));
        AssertWithin99(expectedWait, waits);
        AssertWithin99(rho, utils);
    }

    [Fact]
    public void MMc_mean_wait_matches_Erlang_C()
    {
        const int c = 3;
        const double lambda = 2.4, mu = 1.0;
        double expectedWait = ErlangC(c, lambda / mu) / (c * mu - lambda);
        var (waits, utils) = Replicate(c, lambda, s => s.Exponential(mu));
        AssertWithin99(expectedWait, waits);
        AssertWithin99(lambda / (c * mu), utils);
    }

    [Fact]
    public void MD1_mean_wait_matches_Pollaczek_Khinchine()
    {
        const double lambda = 0.7, service = 1.0;
        double rho = lambda * service;
        double expectedWait = rho * service / (2 * (1 - rho));
        var (waits, _) = Replicate(1, lambda, _ => service);
        AssertWithin99(expectedWait, waits);
    }

    [Fact]
    public void Same_seed_gives_a_byte_identical_event_trace()
    {
        string a = TraceDigest(seed: 11);
        string b = TraceDigest(seed: 11);
        string c = TraceDigest(seed: 12);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    internal static double ErlangC(int c, double offered)
    {
        double sum = 0, term = 1;
        for (int k = 0; k < c; k++)
        {
            sum += term;
            term *= offered / (k + 1);
        }

        double rho = offered / c;
        double last = term / (1 - rho);
        return last / (sum + last);
    }

    private static (double[] Waits, double[] Utils) Replicate(int servers, double lambda, Func<RandomStream, double> serviceSeconds)
    {
        var waits = new double[Replications];
        var utils = new double[Replications];
        for (int r = 0; r < Replications; r++)
        {
            var streams = new RandomStreams(RandomStreams.ForReplication(2024, r));
            RandomStream arrivals = streams.For("arrivals");
            RandomStream service = streams.For("service");
            var sim = new Simulator();
            var station = new MultiServerQueue(
                servers,
                () => SimTime.FromSeconds(arrivals.Exponential(lambda)),
                () => SimTime.FromSeconds(serviceSeconds(service)),
                SimTime.FromSeconds(Warmup));
            station.Start(sim);
            sim.Run(SimTime.FromSeconds(Horizon));
            waits[r] = station.MeanWaitSeconds;
            utils[r] = station.Utilisation(sim.Now);
        }

        return (waits, utils);
    }

    private static void AssertWithin99(double expected, double[] samples)
    {
        double mean = samples.Average();
        double sd = Math.Sqrt(samples.Sum(x => (x - mean) * (x - mean)) / (samples.Length - 1));
        double half = StudentT.InvCDF(0, 1, samples.Length - 1, 0.995) * sd / Math.Sqrt(samples.Length);
        Assert.True(half > 0, "replications must differ");
        Assert.True(Math.Abs(mean - expected) <= half, $"expected {expected:F4}, simulated {mean:F4} ± {half:F4} (99 %)");
    }

    private sealed class HashTrace : IEventTrace
    {
        private readonly StringBuilder _text = new();

        public void Record(in SimEvent simEvent, int priority, long sequence) =>
            _text.Append(simEvent.Time).Append(',').Append(simEvent.Kind).Append(',').Append(sequence).Append('\n');

        public string Digest() => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(_text.ToString())));
    }

    private static string TraceDigest(long seed)
    {
        var streams = new RandomStreams(seed);
        RandomStream arrivals = streams.For("arrivals");
        RandomStream service = streams.For("service");
        var trace = new HashTrace();
        var sim = new Simulator { Trace = trace };
        var station = new MultiServerQueue(2, () => SimTime.FromSeconds(arrivals.Exponential(1.5)), () => SimTime.FromSeconds(service.Exponential(1.0)));
        station.Start(sim);
        sim.Run(SimTime.FromSeconds(5_000));
        return trace.Digest();
    }
}
