using System.Runtime.CompilerServices;

namespace ClusterSim.Core.Engine;

/// <summary>
/// A 4-ary min-heap of pending events ordered by (time, priority, insertion sequence), the one total order
/// for simultaneous events. Payloads live in slots reused through a free list, so scheduling,
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

    private long[] _times;   // heap order: times alone, so a level's four children are 32 contiguous bytes
    private int[] _heapSlots;   // the slot of each heap entry, moved alongside its time
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
        _times = new long[initialCapacity];
        _heapSlots = new int[initialCapacity];
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
            return _count == 0 ? long.MaxValue : _times[0];
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
        _slots[slot] = new Slot { Handler = handler, Kind = kind, Argument = argument, Sequence = sequence, Priority = priority, State = Pending };

        if (_count == _times.Length)
        {
            Array.Resize(ref _times, _times.Length * 2);
            Array.Resize(ref _heapSlots, _heapSlots.Length * 2);
        }

        SiftUp(_count++, time, slot);
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

        long time = _times[0];
        int slot = _heapSlots[0];
        ref Slot payload = ref _slots[slot];
        simEvent = new SimEvent(time, payload.Kind, payload.Argument);
        handler = payload.Handler!;
        priority = payload.Priority;
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
        while (_count > 0 && _slots[_heapSlots[0]].State == Cancelled)
        {
            int slot = _heapSlots[0];
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
            SiftDown(0, _times[last], _heapSlots[last]);
        }
    }

    /// <summary>Whether the event in slot <paramref name="a"/> at time <paramref name="ta"/> fires before the one in slot <paramref name="b"/>: earlier time first, then lower priority, then earlier scheduling (looked up only on equal times).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Before(long ta, int a, long tb, int b) =>
        ta < tb || (ta == tb && (_slots[a].Priority < _slots[b].Priority || (_slots[a].Priority == _slots[b].Priority && _slots[a].Sequence < _slots[b].Sequence)));

    private void SiftUp(int index, long time, int slot)
    {
        long[] times = _times;
        int[] slots = _heapSlots;
        while (index > 0)
        {
            int parent = (index - 1) / Arity;
            if (!Before(time, slot, times[parent], slots[parent]))
            {
                break;
            }

            times[index] = times[parent];
            slots[index] = slots[parent];
            index = parent;
        }

        times[index] = time;
        slots[index] = slot;
    }

    private void SiftDown(int index, long time, int slot)
    {
        long[] times = _times;
        int[] slots = _heapSlots;
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
                // Random times make this comparison unpredictable: a conditional move on the time, the full order only on a tie.
                long t = times[child], bestTime = times[best];
                best = t < bestTime || (t == bestTime && Before(t, slots[child], bestTime, slots[best])) ? child : best;
            }

            if (!Before(times[best], slots[best], time, slot))
            {
                break;
            }

            times[index] = times[best];
            slots[index] = slots[best];
            index = best;
        }

        times[index] = time;
        slots[index] = slot;
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

    /// <summary>An event's payload and state.</summary>
    private struct Slot
    {
        public IEventHandler? Handler;
        public long Argument;
        public long Sequence;
        public int Kind;
        public int Priority;
        public byte State;
    }
}
