using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;

namespace ClusterSim.Core.Tests.Inference;

public class LruTableTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(300)]
    public void Random_operations_agree_with_a_list_kept_in_recency_order(int capacity)
    {
        // The reference: a list, most recent last; what falls off the front is what the table must have dropped.
        var table = new LruTable<int>(capacity);
        var reference = new List<(long Key, int Value)>();
        RandomStream random = new RandomStreams(9).For("lru");
        for (int step = 0; step < 20_000; step++)
        {
            long key = random.NextInt(capacity * 2 + 3);
            switch (random.NextInt(4))
            {
                case 0 or 1:
                    table.Put(key, step);
                    if (capacity > 0)
                    {
                        reference.RemoveAll(e => e.Key == key);
                        reference.Add((key, step));
                        if (reference.Count > capacity)
                        {
                            reference.RemoveAt(0);
                        }
                    }

                    break;
                case 2:
                    table.Remove(key);
                    reference.RemoveAll(e => e.Key == key);
                    break;
                default:
                    int at = reference.FindIndex(e => e.Key == key);
                    if (at >= 0)
                    {
                        table.Touch(key);
                        var entry = reference[at];
                        reference.RemoveAt(at);
                        reference.Add(entry);
                    }

                    break;
            }

            Assert.Equal(reference.Count, table.Count);
        }

        foreach (var (key, value) in reference)
        {
            Assert.True(table.TryGetValue(key, out int found));
            Assert.Equal(value, found);
        }
    }
}
