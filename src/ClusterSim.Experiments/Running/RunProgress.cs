namespace ClusterSim.Experiments.Running;

/// <summary>
/// Replications finished (those read back by --resume included) out of those this run owns, and how far the runs still
/// in progress have got, as a share of one run each, summed.
/// </summary>
public readonly record struct RunProgress(int Finished, int Total, double InProgress = 0)
{
    /// <summary>Runs done, counting the share of the unfinished ones: what a progress bar shows.</summary>
    public double Done => Finished + InProgress;
}
