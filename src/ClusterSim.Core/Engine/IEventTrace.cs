namespace ClusterSim.Core.Engine;

/// <summary>Observes every event the simulator fires, in firing order (for determinism checks and trace export).</summary>
public interface IEventTrace
{
    /// <summary>Called just before the handler of <paramref name="simEvent"/> runs.</summary>
    void Record(in SimEvent simEvent, int priority, long sequence);
}
