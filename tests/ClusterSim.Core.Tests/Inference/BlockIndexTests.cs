using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;

namespace ClusterSim.Core.Tests.Inference;

public class BlockIndexTests
{
    [Fact]
    public void The_empty_mark_is_never_found()
    {
        // long.MinValue marks an empty place: a probe for it met one at once and reported it held, so a host tier
        // "held" every block of a prompt with nothing to share (whose keys are long.MinValue).
        var index = new BlockIndex(4);
        Assert.False(index.ContainsKey(long.MinValue));
        index.GetValueRefOrAddDefault(7, out _) = 1;
        Assert.False(index.TryGetValue(long.MinValue, out int value));
        Assert.Equal(0, value);
    }

    [Theory]
    [InlineData(40, false)]      // few keys: long probe runs wrap round the table and deletions shift them back
    [InlineData(5_000, false)]
    [InlineData(5_000, true)]    // keys that differ only in their high bits
    public void Random_operations_agree_with_a_dictionary(int range, bool highBits)
    {
        var index = new BlockIndex(4);
        var reference = new Dictionary<long, int>();
        RandomStream random = new RandomStreams(5).For("index");
        for (int step = 0; step < 100_000; step++)
        {
            long key = random.NextInt(range) - (range / 2);
            key = highBits ? key << 40 : key;
            switch (random.NextInt(3))
            {
                case 0:
                    index.GetValueRefOrAddDefault(key, out bool exists) = step;
                    Assert.Equal(reference.ContainsKey(key), exists);
                    reference[key] = step;
                    break;
                case 1:
                    Assert.Equal(reference.Remove(key, out int expected), index.Remove(key, out int removed));
                    Assert.Equal(expected, removed);
                    break;
                default:
                    Assert.Equal(reference.TryGetValue(key, out int value), index.TryGetValue(key, out int found));
                    Assert.Equal(value, found);
                    break;
            }

            Assert.Equal(reference.Count, index.Count);
        }

        Assert.All(reference, pair => Assert.Equal(pair.Value, index[pair.Key]));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.GetValueRefOrAddDefault(long.MinValue, out _));
    }
}
