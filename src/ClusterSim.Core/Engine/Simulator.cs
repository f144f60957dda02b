using System.Diagnostics;

namespace ClusterSim.Core.Engine;

/// <summary>
/// The discrete-event loop: a clock in nanoseconds and a queue of pending events. Handlers schedule
/// further events; nothing here reads a wall clock or a shared random generator.
/// </summary>
public sealed class Simulator
{
    private readonly EventQueue _queue;

    /// <summary>Creates a simulator whose queue starts with room for <paramref name="initialCapacity"/> events.</summary>
    public Simulator(int initialCapacity = 64) => _queue = new EventQueue(initialCapacity);

    /// <summary>Current simulated time in nanoseconds.</summary>
    public long Now { get; private set; }

    /// <summary>Number of events fired so far.</summary>
    public long EventsFired { get; private set; }

    /// <summary>Number of pending events.</summary>
    public int PendingCount => _queue.Count;

    /// <summary>Time of the earliest pending event; <see cref="long.MaxValue"/> when none is pending.</summary>
    public long NextEventTime => _queue.PeekTime;

    /// <summary>Optional observer of every fired event.</summary>
    public IEventTrace? Trace { get; set; }

    /// <summary>Schedules an event at an absolute time, which must not be in the past.</summary>
    public EventHandle ScheduleAt(long time, IEventHandler handler, int kind = 0, long argument = 0, int priority = 0)
    {
        if (time < Now)
        {
            throw new InvalidOperationException($"cannot schedule an event at {time} ns, before the current time {Now} ns");
        }

        return _queue.Push(time, priority, handler, kind, argument);
    }

    /// <summary>Schedules an event <paramref name="delay"/> nanoseconds from now.</summary>
    public EventHandle Schedule(long delay, IEventHandler handler, int kind = 0, long argument = 0, int priority = 0) =>
        delay <= long.MaxValue - Now
            ? ScheduleAt(Now + delay, handler, kind, argument, priority)
            : throw new InvalidOperationException($"an event {SimTime.ToSeconds(delay):G3} s from now falls past the end of simulated time (about 292 years)");

    /// <summary>Cancels a pending event; false when it already fired or was cancelled.</summary>
    public bool Cancel(EventHandle handle) => _queue.Cancel(handle);

    /// <summary>True when the event behind <paramref name="handle"/> has neither fired nor been cancelled.</summary>
    public bool IsPending(EventHandle handle) => _queue.IsPending(handle);

    /// <summary>
    /// Fires events in order until the queue is empty or the next event is later than <paramref name="until"/>. With a
    /// finite <paramref name="until"/> the clock then reads it, whether or not the queue ran dry first; without one it
    /// reads the last event's time.
    /// </summary>
    public void Run(long until = long.MaxValue)
    {
        while (_queue.PeekTime <= until && Step())
        {
        }

        if (until != long.MaxValue && until > Now)
        {
            Now = until;
        }
    }

    /// <summary>Fires the earliest event; false when none is pending.</summary>
    public bool Step()
    {
        if (!_queue.TryPop(out SimEvent simEvent, out IEventHandler handler, out int priority, out long sequence))
        {
            return false;
        }

        Debug.Assert(simEvent.Time >= Now, "events never fire in the past");
        Now = simEvent.Time;
        EventsFired++;
        Trace?.Record(simEvent, priority, sequence);
        handler.OnEvent(this, simEvent);
        return true;
    }
}
