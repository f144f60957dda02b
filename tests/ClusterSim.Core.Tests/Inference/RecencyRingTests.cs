using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;

namespace ClusterSim.Core.Tests.Inference;

public class RecencyRingTests
{
    [Theory]
    [InlineData(0, 4)]
    [InlineData(1, 4)]
    [InlineData(7, 4)]
    [InlineData(300, 4)]
    [InlineData(300, 2_000)]   // keys seldom put twice: the ring mostly forgets
    [InlineData(5_000, 600)]   // keys put again and again before any is forgotten: the ring repacks stale entries
    public void Puts_one_at_a_time_and_in_runs_keep_the_most_recently_put_keys(int capacity, int keysPerCapacity)
    {
        // The reference: a list, most recent last; what falls off the front is what the ring must have forgotten.
        var ring = new RecencyRing(capacity);
        var reference = new List<long>();
        RandomStream random = new RandomStreams(17).For("ring");
        int keySpace = Math.Max(4, capacity * keysPerCapacity / 100);
        var run = new long[40];
        for (int step = 0; step < 6_000; step++)
        {
            int length = random.NextInt(3) == 0 ? 1 + random.NextInt(run.Length) : 1;
            for (int i = 0; i < length; i++)
            {
                run[i] = random.NextInt(keySpace) - (keySpace / 2);   // negative keys too
            }

            if (length == 1)
            {
                ring.Put(run[0]);
            }
            else
            {
                ring.PutAll(run.AsSpan(0, length));
            }

            for (int i = 0; i < length && capacity > 0; i++)
            {
                reference.Remove(run[i]);
                reference.Add(run[i]);
                if (reference.Count > capacity)
                {
                    reference.RemoveAt(0);
                }
            }

            Assert.Equal(reference.Count, ring.Count);
        }

        var kept = reference.ToHashSet();
        for (long key = -(keySpace / 2); key < keySpace - (keySpace / 2); key++)
        {
            Assert.Equal(kept.Contains(key), ring.Contains(key));
        }
    }

    [Fact]
    public void Keys_put_again_before_the_ring_fills_are_not_forgotten_early()
    {
        // Three keys, capacity three, put 1,000 times each in turn: the ring fills with stale entries and repacks, and
        // none of the three is ever forgotten; a fourth key then pushes out the one put longest ago.
        var ring = new RecencyRing(3);
        for (int i = 0; i < 3_000; i++)
        {
            ring.Put(i % 3);
        }

        Assert.Equal(3, ring.Count);
        ring.Put(99);
        Assert.False(ring.Contains(0));
        Assert.True(ring.Contains(1) && ring.Contains(2) && ring.Contains(99));
    }
}
