using System.Runtime.CompilerServices;

namespace ClusterSim.Core.Engine;

/// <summary>
/// A 4-ary min-heap of pending events ordered by (time, priority, insertion sequence), the one total order
/// for simultaneous events. Payloads live in slot arrays reused through a free list, so scheduling,
/// firing and cancelling allocate nothing once the arrays have grown to the peak number of pending events.
/// Cancellation is lazy: a cancelled event stays in the heap, marked, and is discarded when it reaches the
/// top, which keeps sift operations free of position bookkeeping (the hot path).
/// </summary>
public sealed class EventQueue
{
    private const int Arity = 4;
    private const byte Free = 0;
    private const byte Pending = 1;
    private const byte Cancelled = 2;

    /// <summary>Largest priority accepted; lower values fire first among events at the same time.</summary>
    public const int MaxPriority = (1 << 22) - 1;

    private HeapNode[] _heap;
    private int _count;

    private Slot[] _slots;   // one struct per event, so firing one touches one cache line, not five arrays
    private int _cancelledInHeap;
    private int[] _freeSlots;
    private int _freeCount;
    private int _slotsUsed;
    private long _nextSequence;

    /// <summary>Creates a queue with room for <paramref name="initialCapacity"/> pending events before it grows.</summary>
    public EventQueue(int initialCapacity = 64)
    {
        initialCapacity = Math.Max(4, initialCapacity);
        _heap = new HeapNode[initialCapacity];
        _slots = new Slot[initialCapacity];
        _freeSlots = new int[initialCapacity];
    }

    /// <summary>Number of pending (scheduled, not fired, not cancelled) events.</summary>
    public int Count => _count - _cancelledInHeap;

    /// <summary>Time of the earliest pending event; <see cref="long.MaxValue"/> when empty.</summary>
    public long PeekTime
    {
        get
        {
            DiscardCancelledTop();
            return _count == 0 ? long.MaxValue : _heap[0].Time;
        }
    }

    /// <summary>Schedules an event and returns a handle that can cancel it.</summary>
    public EventHandle Push(long time, int priority, IEventHandler handler, int kind, long argument)
    {
        if ((uint)priority > MaxPriority)
        {
            throw new ArgumentOutOfRangeException(nameof(priority), priority, $"priority must be in [0, {MaxPriority}]");
        }

        int slot = AcquireSlot();
        long sequence = _nextSequence++;
        _slots[slot] = new Slot { Handler = handler, Kind = kind, Argument = argument, Sequence = sequence, State = Pending };

        if (_count == _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }

        SiftUp(_count++, new HeapNode(time, slot, priority));
        return new EventHandle(slot, sequence);
    }

    /// <summary>Removes the earliest event; false when the queue is empty.</summary>
    public bool TryPop(out SimEvent simEvent, out IEventHandler handler, out int priority, out long sequence)
    {
        DiscardCancelledTop();
        if (_count == 0)
        {
            simEvent = default;
            handler = null!;
            priority = 0;
            sequence = 0;
            return false;
        }

        HeapNode top = _heap[0];
        int slot = top.Slot;
        ref Slot payload = ref _slots[slot];
        simEvent = new SimEvent(top.Time, payload.Kind, payload.Argument);
        handler = payload.Handler!;
        priority = top.Priority;
        sequence = payload.Sequence;
        RemoveTop();
        ReleaseSlot(slot);
        return true;
    }

    /// <summary>Cancels a pending event; false when it already fired or was cancelled.</summary>
    public bool Cancel(EventHandle handle)
    {
        if (!IsPending(handle))
        {
            return false;
        }

        _slots[handle.Slot].State = Cancelled;
        _slots[handle.Slot].Handler = null;
        _cancelledInHeap++;
        return true;
    }

    /// <summary>True when the handle refers to an event that is still pending.</summary>
    public bool IsPending(EventHandle handle) =>
        handle.Slot >= 0 && handle.Slot < _slotsUsed && _slots[handle.Slot].State == Pending && _slots[handle.Slot].Sequence == handle.Sequence;

    private void DiscardCancelledTop()
    {
        while (_count > 0 && _slots[_heap[0].Slot].State == Cancelled)
        {
            int slot = _heap[0].Slot;
            RemoveTop();
            _cancelledInHeap--;
            ReleaseSlot(slot);
        }
    }

    private void RemoveTop()
    {
        int last = --_count;
        if (last > 0)
        {
            SiftDown(0, _heap[last]);
        }
    }

    /// <summary>Earlier time first, then lower priority, then earlier scheduling (the sequence, looked up only on ties).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Less(in HeapNode a, in HeapNode b) =>
        a.Time < b.Time || (a.Time == b.Time && (a.Priority < b.Priority || (a.Priority == b.Priority && _slots[a.Slot].Sequence < _slots[b.Slot].Sequence)));

    private void SiftUp(int index, HeapNode node)
    {
        HeapNode[] heap = _heap;
        while (index > 0)
        {
            int parent = (index - 1) / Arity;
            if (!Less(node, heap[parent]))
            {
                break;
            }

            heap[index] = heap[parent];
            index = parent;
        }

        heap[index] = node;
    }

    private void SiftDown(int index, HeapNode node)
    {
        HeapNode[] heap = _heap;
        int count = _count;
        while (true)
        {
            int first = (index * Arity) + 1;
            if (first >= count)
            {
                break;
            }

            int best = first;
            int end = Math.Min(first + Arity, count);
            for (int child = first + 1; child < end; child++)
            {
                if (Less(heap[child], heap[best]))
                {
                    best = child;
                }
            }

            if (!Less(heap[best], node))
            {
                break;
            }

            heap[index] = heap[best];
            index = best;
        }

        heap[index] = node;
    }

    private int AcquireSlot()
    {
        if (_freeCount > 0)
        {
            return _freeSlots[--_freeCount];
        }

        if (_slotsUsed == _slots.Length)
        {
            int size = _slots.Length * 2;
            Array.Resize(ref _slots, size);
            Array.Resize(ref _freeSlots, size);
        }

        return _slotsUsed++;
    }

    private void ReleaseSlot(int slot)
    {
        _slots[slot].State = Free;
        _slots[slot].Handler = null;
        _freeSlots[_freeCount++] = slot;
    }

    /// <summary>16 bytes, so a node's four children share one 64-byte cache line when aligned; the sequence stays in its slot.</summary>
    private readonly record struct HeapNode(long Time, int Slot, int Priority);

    /// <summary>An event's payload and state.</summary>
    private struct Slot
    {
        public IEventHandler? Handler;
        public long Argument;
        public long Sequence;
        public int Kind;
        public byte State;
    }
}
