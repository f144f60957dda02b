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
    private const int SequenceBits = 40;
    private const byte Free = 0;
    private const byte Pending = 1;
    private const byte Cancelled = 2;

    /// <summary>Largest priority accepted; lower values fire first among events at the same time.</summary>
    public const int MaxPriority = (1 << 22) - 1;

    private HeapNode[] _heap;
    private int _count;

    private IEventHandler?[] _handlers;
    private int[] _kinds;
    private long[] _arguments;
    private long[] _sequences;
    private byte[] _states;
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
        _handlers = new IEventHandler?[initialCapacity];
        _kinds = new int[initialCapacity];
        _arguments = new long[initialCapacity];
        _sequences = new long[initialCapacity];
        _states = new byte[initialCapacity];
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
        _handlers[slot] = handler;
        _kinds[slot] = kind;
        _arguments[slot] = argument;
        _sequences[slot] = sequence;
        _states[slot] = Pending;

        if (_count == _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }

        var node = new HeapNode(time, ((long)priority << SequenceBits) | (sequence & ((1L << SequenceBits) - 1)), slot);
        SiftUp(_count++, node);
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
        simEvent = new SimEvent(top.Time, _kinds[slot], _arguments[slot]);
        handler = _handlers[slot]!;
        priority = (int)(top.Order >> SequenceBits);
        sequence = _sequences[slot];
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

        _states[handle.Slot] = Cancelled;
        _handlers[handle.Slot] = null;
        _cancelledInHeap++;
        return true;
    }

    /// <summary>True when the handle refers to an event that is still pending.</summary>
    public bool IsPending(EventHandle handle) =>
        handle.Slot >= 0 && handle.Slot < _slotsUsed && _states[handle.Slot] == Pending && _sequences[handle.Slot] == handle.Sequence;

    private void DiscardCancelledTop()
    {
        while (_count > 0 && _states[_heap[0].Slot] == Cancelled)
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Less(in HeapNode a, in HeapNode b) => a.Time < b.Time || (a.Time == b.Time && a.Order < b.Order);

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

        if (_slotsUsed == _handlers.Length)
        {
            int size = _handlers.Length * 2;
            Array.Resize(ref _handlers, size);
            Array.Resize(ref _kinds, size);
            Array.Resize(ref _arguments, size);
            Array.Resize(ref _sequences, size);
            Array.Resize(ref _states, size);
            Array.Resize(ref _freeSlots, size);
        }

        return _slotsUsed++;
    }

    private void ReleaseSlot(int slot)
    {
        _states[slot] = Free;
        _handlers[slot] = null;
        _freeSlots[_freeCount++] = slot;
    }

    private readonly record struct HeapNode(long Time, long Order, int Slot);
}
