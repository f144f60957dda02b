namespace ClusterSim.Core.Cluster;

/// <summary>Where a training job on a shared cluster stands.</summary>
public enum JobPhase
{
    /// <summary>Not yet submitted.</summary>
    Waiting,

    /// <summary>Submitted (or preempted) and waiting for its gang.</summary>
    Queued,

    /// <summary>Holding accelerators while it reloads its last checkpoint.</summary>
    Restarting,

    /// <summary>Training.</summary>
    Running,

    /// <summary>Finished its tokens.</summary>
    Done,
}
