namespace ClusterSim.Core.Training;

/// <summary>What a training job's accelerators are doing during a stretch of wall time.</summary>
public enum TrainingPhase
{
    /// <summary>Steps whose work survives (reached a checkpoint or the end).</summary>
    Training,

    /// <summary>Writing a checkpoint.</summary>
    Checkpoint,

    /// <summary>Detecting an interruption, rescheduling and reloading.</summary>
    Restart,

    /// <summary>Steps whose work a failure threw away.</summary>
    Lost,
}
