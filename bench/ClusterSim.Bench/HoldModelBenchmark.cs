using BenchmarkDotNet.Attributes;
using ClusterSim.Core.Engine;

namespace ClusterSim.Bench;

/// <summary>
/// The classic hold model: N events pending; each fired event schedules one more at an exponential
/// delay, so the queue stays at N. Reported per event (fire + schedule).
/// </summary>
[MemoryDiagnoser]
public class HoldModelBenchmark
{
    private const int EventsPerInvoke = 1_000_000;
    private Simulator _simulator = null!;

    [Params(10, 1_000, 100_000)]
    public int Pending { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _simulator = new Simulator(Pending + 16);
        var hold = new Hold(new RandomStreams(1).For("hold"));
        for (int i = 0; i < Pending; i++)
        {
            _simulator.Schedule(hold.NextDelay(), hold);
        }
    }

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public void FireAndReschedule()
    {
        for (int i = 0; i < EventsPerInvoke; i++)
        {
            _simulator.Step();
        }
    }

    private sealed class Hold(RandomStream random) : IEventHandler
    {
        public long NextDelay() => 1 + (long)(random.Exponential(1.0) * 1_000_000);

        public void OnEvent(Simulator simulator, in SimEvent simEvent) => simulator.Schedule(NextDelay(), this);
    }
}
