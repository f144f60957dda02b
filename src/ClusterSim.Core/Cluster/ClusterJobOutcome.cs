namespace ClusterSim.Core.Cluster;

/// <summary>
/// How a training job fared on the shared cluster: days from submission to its last token (NaN if unfinished), share
/// done, hours queued, preemptions, resizes and failures, accelerator-hours of work lost to preemption and failure, hours restarting,
/// what it held and cost, and (an elastic job) its tokens per accelerator-second at its largest size over its planned size's.
/// </summary>
public sealed record ClusterJobOutcome(
    string Name,
    string Stream,
    string Pool,
    double Seconds,
    double Progress,
    double QueuedSeconds,
    int Preemptions,
    int Resizes,
    int Failures,
    double LostAcceleratorHours,
    double RestartSeconds,
    double AcceleratorHours,
    double CostUsd,
    double Kwh,
    double ElasticEfficiency);
