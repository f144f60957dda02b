namespace ClusterSim.Core.Engine;

/// <summary>A component that receives the events it scheduled.</summary>
public interface IEventHandler
{
    /// <summary>Handles one event; <paramref name="simulator"/> is the simulator that fired it.</summary>
    void OnEvent(Simulator simulator, in SimEvent simEvent);
}
