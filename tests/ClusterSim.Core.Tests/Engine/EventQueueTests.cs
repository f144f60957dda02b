using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Tests.Engine;

public class EventQueueTests
{
    private sealed class NullHandler : IEventHandler
    {
        public void OnEvent(Simulator simulator, in SimEvent simEvent)
        {
        }
    }

    private static readonly NullHandler Handler = new();

    [Fact]
    public void Simultaneous_events_fire_by_priority_then_insertion_order()
    {
        var queue = new EventQueue();
        queue.Push(10, 1, Handler, kind: 0, argument: 0);
        queue.Push(10, 0, Handler, kind: 1, argument: 0);
        queue.Push(5, 9, Handler, kind: 2, argument: 0);
        queue.Push(10, 0, Handler, kind: 3, argument: 0);

        var kinds = new List<int>();
        while (queue.TryPop(out SimEvent e, out _, out _, out _))
        {
            kinds.Add(e.Kind);
        }

        Assert.Equal([2, 1, 3, 0], kinds);
    }

    [Fact]
    public void Cancelled_events_never_fire_and_stale_handles_are_rejected()
    {
        var queue = new EventQueue();
        EventHandle a = queue.Push(1, 0, Handler, 0, 1);
        EventHandle b = queue.Push(2, 0, Handler, 0, 2);
        queue.Push(3, 0, Handler, 0, 3);

        Assert.True(queue.Cancel(b));
        Assert.False(queue.Cancel(b));
        Assert.True(queue.TryPop(out SimEvent first, out _, out _, out _));
        Assert.Equal(1, first.Argument);
        Assert.False(queue.Cancel(a));

        EventHandle reused = queue.Push(4, 0, Handler, 0, 4);
        Assert.Equal(a.Slot, reused.Slot);
        Assert.False(queue.Cancel(a));
        Assert.True(queue.IsPending(reused));
        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public void Random_pushes_pops_and_cancels_match_a_sorted_reference()
    {
        var random = new RandomStreams(7).For("queue-test");
        var queue = new EventQueue(4);
        var reference = new SortedSet<(long Time, int Priority, long Seq)>();
        var handles = new List<(EventHandle Handle, (long, int, long) Key)>();
        long seq = 0;

        for (int step = 0; step < 20_000; step++)
        {
            double u = random.NextDouble();
            if (u < 0.55 || reference.Count == 0)
            {
                long time = random.NextInt(1000);
                int priority = random.NextInt(3);
                EventHandle h = queue.Push(time, priority, Handler, 0, seq);
                reference.Add((time, priority, seq));
                handles.Add((h, (time, priority, seq)));
                seq++;
            }
            else if (u < 0.8)
            {
                Assert.True(queue.TryPop(out SimEvent e, out _, out int p, out long s));
                var expected = reference.Min;
                reference.Remove(expected);
                Assert.Equal(expected, (e.Time, p, s));
            }
            else
            {
                int pick = random.NextInt(handles.Count);
                var (handle, key) = handles[pick];
                bool cancelled = queue.Cancel(handle);
                Assert.Equal(reference.Remove(key), cancelled);
            }

            Assert.Equal(reference.Count, queue.Count);
        }
    }
}
