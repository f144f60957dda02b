using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;

namespace ClusterSim.Core.Tests.Inference;

public class EvictionQueueTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(40)]
    [InlineData(2_000)]   // more slots than the ring's first length: it repacks and grows
    public void Appends_unlinks_and_pops_keep_a_linked_lists_order(int slots)
    {
        // The reference: a list, least recently appended first, with a slot unlinked by removing it from the list.
        var queue = new EvictionQueue(slots);
        var reference = new List<int>();
        var linked = new bool[slots];
        RandomStream random = new RandomStreams(23).For("eviction-queue");
        for (int step = 0; step < 40_000; step++)
        {
            int slot = random.NextInt(slots);
            switch (random.NextInt(3))
            {
                case 0 when !linked[slot]:
                    queue.Append(slot);
                    reference.Add(slot);
                    linked[slot] = true;
                    break;
                case 1 when linked[slot]:
                    queue.Unlink(slot);
                    reference.Remove(slot);
                    linked[slot] = false;
                    break;
                case 2 when reference.Count > 0:
                    int oldest = queue.PopOldest();
                    Assert.Equal(reference[0], oldest);
                    reference.RemoveAt(0);
                    linked[oldest] = false;
                    break;
            }

            Assert.Equal(reference.Count, queue.Count);
        }

        foreach (int expected in reference)
        {
            Assert.Equal(expected, queue.PopOldest());
        }
    }

    [Fact]
    public void A_slot_appended_and_unlinked_many_times_leaves_no_live_entry_behind()
    {
        // One slot pinned and unpinned 10,000 times beside one that stays evictable: the ring fills with stale entries,
        // repacks, and pops the steady slot first, then the churned one.
        var queue = new EvictionQueue(2);
        queue.Append(1);
        for (int i = 0; i < 10_000; i++)
        {
            queue.Append(0);
            queue.Unlink(0);
        }

        queue.Append(0);
        Assert.Equal(2, queue.Count);
        Assert.Equal(1, queue.PopOldest());
        Assert.Equal(0, queue.PopOldest());
        Assert.Equal(0, queue.Count);
    }
}
