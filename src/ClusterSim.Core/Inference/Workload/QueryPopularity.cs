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
    }

    /// <summary>Distinct queries.</summary>
    public int Catalog { get; }

    /// <summary>Zipf exponent s (0: uniform).</summary>
    public double Exponent { get; }

    /// <summary>Probability of the query of popularity rank <paramref name="rank"/> (0 is the most popular).</summary>
    public double Probability(int rank) => _cumulative[rank] - (rank == 0 ? 0 : _cumulative[rank - 1]);

    /// <summary>Draws a query (its rank) by inverting the cumulative law with a binary search.</summary>
    public int Sample(RandomStream random)
    {
        int index = Array.BinarySearch(_cumulative, random.NextDouble());
        return Math.Min(index >= 0 ? index : ~index, Catalog - 1);
    }
}
