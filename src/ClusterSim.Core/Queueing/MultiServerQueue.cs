using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Queueing;

/// <summary>
/// A G/G/c first-come-first-served station: the textbook model the engine is validated against
/// (M/M/1, M/M/c, M/D/1) and the M/M/1 benchmark. Statistics are collected after a warm-up time.
/// </summary>
public sealed class MultiServerQueue : IEventHandler
{
    private const int Arrival = 0;
    private const int Departure = 1;

    private readonly Func<long> _interarrival;
    private readonly Func<long> _service;
    private readonly LongRingBuffer _waiting = new(1024);
    private readonly long _warmup;
    private int _busy;
    private long _lastChange;

    /// <summary>Creates a station with <paramref name="servers"/> servers; samplers return nanoseconds.</summary>
    public MultiServerQueue(int servers, Func<long> interarrival, Func<long> service, long warmup = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(servers, 1);
        Servers = servers;
        _interarrival = interarrival;
        _service = service;
        _warmup = warmup;
    }

    /// <summary>Number of servers.</summary>
    public int Servers { get; }

    /// <summary>Customers that started service after the warm-up.</summary>
    public long Served { get; private set; }

    /// <summary>Sum of waiting times (ns) of the customers counted in <see cref="Served"/>.</summary>
    public double TotalWaitNanos { get; private set; }

    /// <summary>Integral of busy servers over time after the warm-up (server-nanoseconds).</summary>
    public double BusyServerNanos { get; private set; }

    /// <summary>Mean wait in queue, seconds.</summary>
    public double MeanWaitSeconds => Served == 0 ? 0 : TotalWaitNanos / Served / SimTime.NanosPerSecond;

    /// <summary>Mean fraction of servers busy between the warm-up and <paramref name="now"/>.</summary>
    public double Utilisation(long now)
    {
        double busy = BusyServerNanos + (now > _warmup ? _busy * (double)(now - Math.Max(_lastChange, _warmup)) : 0);
        return now > _warmup ? busy / Servers / (now - _warmup) : 0;
    }

    /// <summary>Schedules the first arrival.</summary>
    public void Start(Simulator simulator) => simulator.Schedule(_interarrival(), this, Arrival);

    /// <inheritdoc />
    public void OnEvent(Simulator simulator, in SimEvent simEvent)
    {
        long now = simEvent.Time;
        if (simEvent.Kind == Arrival)
        {
            simulator.Schedule(_interarrival(), this, Arrival);
            if (_busy < Servers)
            {
                AccountBusy(now);
                _busy++;
                StartService(simulator, now, now);
            }
            else
            {
                _waiting.Enqueue(now);
            }
        }
        else if (_waiting.Count > 0)
        {
            StartService(simulator, now, _waiting.Dequeue());
        }
        else
        {
            AccountBusy(now);
            _busy--;
        }
    }

    private void StartService(Simulator simulator, long now, long arrivedAt)
    {
        if (now >= _warmup)
        {
            Served++;
            TotalWaitNanos += now - arrivedAt;
        }

        simulator.Schedule(_service(), this, Departure);
    }

    private void AccountBusy(long now)
    {
        if (now > _warmup)
        {
            BusyServerNanos += _busy * (double)(now - Math.Max(_lastChange, _warmup));
        }

        _lastChange = now;
    }
}
