using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Moe;

/// <summary>
/// Routes an iteration's tokens to experts in bulk: k·T expert choices split over the experts by a multinomial
/// (conditional binomials, one per expert, never a draw per token), experts placed round-robin over the
/// accelerators in a random order, hot experts optionally replicated everywhere, and a capacity cap that drops
/// the overflow. Allocation-free per iteration.
/// </summary>
public sealed class ExpertRouter
{
    private readonly double[] _probability;
    private readonly int[] _owner;
    private readonly bool[] _replicated;
    private readonly int[] _counts;
    private readonly double[] _load;
    private readonly int[] _touched;
    private readonly int _topK;
    private readonly int _accelerators;
    private readonly double _capacityFactor;
    private readonly ulong _seed;

    /// <summary>A router for <paramref name="experts"/> experts with top-<paramref name="topK"/> gating on <paramref name="accelerators"/> accelerators.</summary>
    public ExpertRouter(int experts, int topK, int accelerators, MoeRoutingOptions options, RandomStream random)
    {
        options.Validated();
        ArgumentOutOfRangeException.ThrowIfLessThan(experts, 1);
        _topK = Math.Clamp(topK, 1, experts);
        _accelerators = Math.Clamp(accelerators, 1, experts);
        _capacityFactor = options.CapacityFactor;
        _seed = (ulong)random.Source.NextInt64();
        _probability = Weights(experts, options, random);

        // Placement: experts in a random order, dealt round-robin, so popularity rank does not decide the accelerator.
        int[] order = Enumerable.Range(0, experts).ToArray();
        random.Source.Shuffle(order);
        _owner = new int[experts];
        for (int i = 0; i < experts; i++)
        {
            _owner[order[i]] = i % _accelerators;
        }

        _replicated = new bool[experts];
        foreach (int hot in Enumerable.Range(0, experts).OrderByDescending(e => _probability[e]).Take(Math.Min(options.ReplicatedHotExperts, experts)))
        {
            _replicated[hot] = true;
        }

        _counts = new int[experts];
        _load = new double[_accelerators];
        _touched = new int[_accelerators];
    }

    /// <summary>Expert probabilities (sum 1), in expert order.</summary>
    public IReadOnlyList<double> Probabilities => _probability;

    /// <summary>Routes <paramref name="tokens"/> tokens of iteration <paramref name="iteration"/>.</summary>
    public RoutingOutcome Route(int tokens, long iteration)
    {
        if (tokens <= 0)
        {
            return new RoutingOutcome(1, 0, 0, 0, 0);
        }

        var sampler = CountSampler.For(_seed, iteration);
        int remaining = tokens * _topK;
        double mass = 1;
        int n = _counts.Length;
        for (int e = 0; e < n - 1; e++)
        {
            int c = remaining == 0 ? 0 : sampler.Binomial(remaining, Math.Min(1, _probability[e] / mass));
            _counts[e] = c;
            remaining -= c;
            mass -= _probability[e];
        }

        _counts[n - 1] = remaining;

        Array.Clear(_load);
        Array.Clear(_touched);
        long dropped = 0;
        int touched = 0;
        double cap = _capacityFactor > 0 ? Math.Max(1, Math.Ceiling(_capacityFactor * tokens * _topK / n)) : double.MaxValue;
        for (int e = 0; e < n; e++)
        {
            int c = _counts[e];
            if (c == 0)
            {
                continue;
            }

            touched++;
            if (_replicated[e])
            {
                // A replicated expert's tokens are shared by every accelerator, each reading its own copy.
                double share = Math.Min(c, cap * _accelerators) / (double)_accelerators;
                dropped += (long)Math.Max(0, c - (cap * _accelerators));
                for (int a = 0; a < _accelerators; a++)
                {
                    _load[a] += share;
                    _touched[a]++;
                }
            }
            else
            {
                double kept = Math.Min(c, cap);
                dropped += (long)(c - kept);
                _load[_owner[e]] += kept;
                _touched[_owner[e]]++;
            }
        }

        double max = 0, sum = 0;
        int maxTouched = 0;
        for (int a = 0; a < _accelerators; a++)
        {
            max = Math.Max(max, _load[a]);
            sum += _load[a];
            maxTouched = Math.Max(maxTouched, _touched[a]);
        }

        double imbalance = sum > 0 ? max / (sum / _accelerators) : 1;
        return new RoutingOutcome(imbalance, maxTouched, touched, dropped, (long)tokens * _topK);
    }

    private static double[] Weights(int experts, MoeRoutingOptions options, RandomStream random)
    {
        double[] w = options.Popularity switch
        {
            ExpertPopularity.Zipf => Enumerable.Range(1, experts).Select(i => Math.Pow(i, -options.ZipfExponent)).ToArray(),
            ExpertPopularity.Dirichlet => Enumerable.Range(0, experts).Select(_ => random.Gamma(options.DirichletConcentration, 1)).ToArray(),
            _ => Enumerable.Repeat(1.0, experts).ToArray(),
        };
        double total = w.Sum();
        return w.Select(x => x / total).ToArray();
    }
}
