using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Tests.Engine;

public class SimulatorTests
{
    private sealed class Recorder : IEventHandler
    {
        public List<long> Times { get; } = [];

        public void OnEvent(Simulator simulator, in SimEvent simEvent) => Times.Add(simulator.Now);
    }

    [Fact]
    public void Scheduling_in_the_past_is_refused()
    {
        var sim = new Simulator();
        var recorder = new Recorder();
        sim.Schedule(100, recorder);
        sim.Run();
        Assert.Equal(100, sim.Now);
        Assert.Throws<InvalidOperationException>(() => sim.ScheduleAt(50, recorder));
    }

    [Fact]
    public void Run_until_stops_before_later_events_and_advances_the_clock()
    {
        var sim = new Simulator();
        var recorder = new Recorder();
        sim.Schedule(10, recorder);
        sim.Schedule(30, recorder);
        sim.Run(until: 20);
        Assert.Equal([10L], recorder.Times);
        Assert.Equal(20, sim.Now);
        Assert.Equal(1, sim.PendingCount);
        sim.Run();
        Assert.Equal([10L, 30L], recorder.Times);
    }

    [Fact]
    public void Cancelled_event_does_not_fire()
    {
        var sim = new Simulator();
        var recorder = new Recorder();
        EventHandle h = sim.Schedule(10, recorder);
        sim.Schedule(20, recorder);
        Assert.True(sim.Cancel(h));
        sim.Run();
        Assert.Equal([20L], recorder.Times);
    }
}
