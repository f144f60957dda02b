using ClusterSim.Core.Queueing;

namespace ClusterSim.Core.Tests.Queueing;

/// <summary>The ring buffer against a list doing the same operations, across wrap-around and growth.</summary>
public class LongRingBufferTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_operation_matches_a_list(int seed)
    {
        var random = new Random(seed);
        var buffer = new LongRingBuffer(4);
        var list = new List<long>();
        for (int step = 0; step < 20_000; step++)
        {
            long item = random.Next();
            switch (random.Next(6))
            {
                case 0:
                    buffer.Enqueue(item);
                    list.Add(item);
                    break;
                case 1:
                    buffer.PushFront(item);
                    list.Insert(0, item);
                    break;
                case 2:
                    int at = random.Next(list.Count + 1);
                    buffer.InsertAt(at, item);
                    list.Insert(at, item);
                    break;
                case 3 when list.Count > 0:
                    int from = random.Next(list.Count);
                    Assert.Equal(list[from], buffer.RemoveAt(from));
                    list.RemoveAt(from);
                    break;
                case 4 when list.Count > 0:
                    Assert.Equal(list[0], buffer.Dequeue());
                    list.RemoveAt(0);
                    break;
            }

            Assert.Equal(list.Count, buffer.Count);
            if (list.Count > 0)
            {
                int k = random.Next(list.Count);
                Assert.Equal(list[k], buffer.At(k));
            }
        }

        Assert.Equal(list, Enumerable.Range(0, buffer.Count).Select(buffer.At));
    }

    [Fact]
    public void Positions_outside_the_queue_are_refused()
    {
        var buffer = new LongRingBuffer();
        buffer.Enqueue(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.InsertAt(2, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.RemoveAt(1));
    }
}
