namespace ClusterSim.Core.Inference;

/// <summary>
/// The order in which a replica admits waiting requests and picks the one to preempt (vLLM's <c>--scheduling-policy</c>).
/// </summary>
public enum SchedulingPolicy
{
    /// <summary>First come, first served: the queue in arrival order, preempting the most recently admitted sequence.</summary>
    Fcfs,

    /// <summary>
    /// By each request's priority (lower first), then arrival: the queue in that order, and when the KV cache runs out the
    /// running sequence with the highest priority value (latest arrival among equals) is preempted — vLLM's
    /// <c>--scheduling-policy priority</c> (vllm/v1/core/sched/scheduler.py).
    /// </summary>
    Priority,
}
