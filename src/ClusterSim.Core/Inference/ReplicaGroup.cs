using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Inference;

/// <summary><see cref="Count"/> identical replicas: one deployment, one batching policy.</summary>
public sealed record ReplicaGroup(ServingDeployment Deployment, SchedulerOptions Scheduler, int Count = 1);
