namespace ClusterSim.Experiments.Running;

/// <summary>A serving configuration cannot hold its SLO at any load worth measuring: the experiment asks for the impossible, not for a bug.</summary>
public sealed class UnmeetableSloException : Exception
{
    public UnmeetableSloException()
    {
    }

    public UnmeetableSloException(string message)
        : base(message)
    {
    }

    public UnmeetableSloException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
