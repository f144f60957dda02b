using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Core.Tests.Inference.Workload;

public class QueryPopularityTests
{
    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(7, 0.0)]
    [InlineData(100, 1.0)]
    [InlineData(5_000, 1.2)]
    [InlineData(20_000, 12.0)]   // a tail below rounding: most cumulative probabilities equal 1
    public void Draws_are_the_ranks_a_binary_search_of_the_same_uniforms_gives(int catalog, double exponent)
    {
        var law = new QueryPopularity(catalog, exponent);
        double[] cumulative = [.. Enumerable.Range(0, catalog).Select(law.Cumulative)];
        RandomStream draws = new RandomStreams(5).For("queries");
        RandomStream uniforms = new RandomStreams(5).For("queries");   // the same stream, read as the uniforms behind the draws
        for (int i = 0; i < 50_000; i++)
        {
            double u = uniforms.NextDouble();
            int index = Array.BinarySearch(cumulative, u);
            Assert.Equal(Math.Min(index >= 0 ? index : ~index, catalog - 1), law.Sample(draws));
        }

        // And on the steps' own starts, where rounding decides which step a draw falls in.
        for (int j = 0; j < Math.Min(catalog, 2_000); j++)
        {
            foreach (double u in new[] { (double)j / catalog, Math.BitDecrement((double)j / catalog), Math.BitIncrement((double)j / catalog) })
            {
                if (u is >= 0 and < 1)
                {
                    int index = Array.BinarySearch(cumulative, u);
                    Assert.Equal(Math.Min(index >= 0 ? index : ~index, catalog - 1), law.RankAt(u));
                }
            }
        }
    }

    [Fact]
    public void The_most_popular_queries_are_drawn_as_often_as_the_zipf_law_says()
    {
        // 100 queries, s = 1: the first has probability 1/H₁₀₀ ≈ 0.193; over 200,000 draws its share is within 0.5 %.
        var law = new QueryPopularity(100, 1.0);
        RandomStream random = new RandomStreams(3).For("queries");
        int first = 0;
        for (int i = 0; i < 200_000; i++)
        {
            first += law.Sample(random) == 0 ? 1 : 0;
        }

        double harmonic = Enumerable.Range(1, 100).Sum(k => 1.0 / k);
        Assert.Equal(1 / harmonic, first / 200_000.0, 0.005);
    }
}
