using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Inference.Workload;

/// <summary>
/// Repeated queries: each request asks one of <see cref="Catalog"/> queries, the k-th most popular with probability
/// ∝ k^−s (Zipf). Equal queries are equal prompts, so both a prefix cache and a response cache can serve them again.
/// </summary>
public sealed class QueryPopularity
{
    private readonly double[] _cumulative;

    /// <summary>Builds the popularity law; throws when the catalog is empty or the exponent negative.</summary>
    public QueryPopularity(int catalog, double exponent)
    {
        if (catalog < 1 || !(exponent >= 0) || !double.IsFinite(exponent))
        {
            throw new ArgumentException($"a query catalog needs at least one query and a finite, non-negative Zipf exponent (got {catalog} and {exponent})");
        }

        Catalog = catalog;
        Exponent = exponent;
        _cumulative = new double[catalog];
        double sum = 0;
        for (int k = 0; k < catalog; k++)
        {
            sum += Math.Pow(k + 1, -exponent);
            _cumulative[k] = sum;
        }

        for (int k = 0; k < catalog; k++)
        {
            _cumulative[k] /= sum;
        }

        // The guide table (Chen and Asau's): for each of catalog equal steps of the unit interval, the first query whose
        // cumulative probability reaches the step's start, where a draw in that step begins its search.
        _guide = new int[catalog];
        for (int j = 0, k = 0; j < catalog; j++)
        {
            double start = (double)j / catalog;
            while (k < catalog - 1 && _cumulative[k] < start)
            {
                k++;
            }

            _guide[j] = k;
        }
    }

    private readonly int[] _guide;

    /// <summary>Distinct queries.</summary>
    public int Catalog { get; }

    /// <summary>Zipf exponent s (0: uniform).</summary>
    public double Exponent { get; }

    /// <summary>Probability that a query's rank is at most <paramref name="rank"/>.</summary>
    internal double Cumulative(int rank) => _cumulative[rank];

    /// <summary>Probability of the query of popularity rank <paramref name="rank"/> (0 is the most popular).</summary>
    public double Probability(int rank) => _cumulative[rank] - (rank == 0 ? 0 : _cumulative[rank - 1]);

    /// <summary>
    /// Draws a query (its rank) by inverting the cumulative law: the first query whose cumulative probability reaches
    /// the uniform draw, searched from the guide table's entry for the draw's step (a step or two on average, where a
    /// binary search over a large catalog misses the processor's caches a dozen times). The rank is the one a binary
    /// search gives, to the last case: a draw equal to a cumulative probability takes the binary search itself.
    /// </summary>
    public int Sample(RandomStream random) => RankAt(random.NextDouble());

    /// <summary>The rank <see cref="Sample"/> draws for the uniform <paramref name="u"/> in [0, 1).</summary>
    internal int RankAt(double u)
    {
        int k = _guide[Math.Min((int)(u * Catalog), Catalog - 1)];
        while (k > 0 && _cumulative[k - 1] >= u)
        {
            k--;   // the step's rounding put the draw below its start
        }

        while (k < Catalog - 1 && _cumulative[k] < u)
        {
            k++;
        }

        if (_cumulative[k] == u)
        {
            int index = Array.BinarySearch(_cumulative, u);   // equal cumulatives (a tail below rounding): its choice among them
            return Math.Min(index >= 0 ? index : ~index, Catalog - 1);
        }

        return k;
    }
}
