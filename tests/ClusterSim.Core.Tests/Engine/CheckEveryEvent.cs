using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Tests.Engine;

/// <summary>An event trace that runs a model's invariant check before each event fires (so after every event but the last, which the test checks itself).</summary>
internal sealed class CheckEveryEvent(Action check) : IEventTrace
{
    public long Count { get; private set; }

    public void Record(in SimEvent simEvent, int priority, long sequence)
    {
        check();
        Count++;
    }
}
