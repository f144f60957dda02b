using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Tests.Engine;

public class SignedNanosTests
{
    [Fact]
    public void Sums_match_their_definitions_at_every_length()
    {
        var random = new Random(17);
        for (int length = 0; length <= 41; length++)
        {
            // Durations up to three seconds, about half of them flagged (negative).
            long[] values = [.. Enumerable.Range(0, length).Select(_ => (random.Next(2) == 0 ? -3L : 3L) * random.Next(0, 1_000_000_000))];
            Assert.Equal(values.Sum(Math.Abs), SignedNanos.SumOfAbsolutes(values));
            Assert.Equal(values.Where(v => v < 0).Sum(v => -v), SignedNanos.SumOfNegatives(values));
        }
    }
}
