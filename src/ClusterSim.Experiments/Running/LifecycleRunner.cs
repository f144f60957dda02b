using ClusterSim.Core.Economics;
using ClusterSim.Core.Performance;
using ClusterSim.Core.Training;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Running;

/// <summary>One replication of a lifecycle point: simulate the training run, measure a serving cell, book the model's life.</summary>
public static class LifecycleRunner
{
    /// <summary>Runs the lifecycle of <paramref name="point"/> with randomness from <paramref name="seed"/>.</summary>
    public static LifecycleResult Run(ExperimentPoint point, long seed)
    {
        LifecycleSpec spec = point.Lifecycle ?? throw new ArgumentException("the point has no lifecycle section");
        TrainingJob? job = point.Training;
        ServingPoint serving = point.Serving!;
        TrainingResult? training = job is null ? null : new TrainingRun(job, seed).Run();
        (double tokensPerSecond, double utilisation) = CellCapacity.Measure(serving, spec.CellReplicas, seed);
        ServingDeployment deployment = serving.Replicas[0].Deployment;
        CostModel trainingCost = job?.PricePerHour is { } price
            ? spec.Cost with { Rental = new PriceCurve(price), Capex = null, Energy = spec.Cost.Energy with { Pue = job!.Pue } }
            : spec.Cost;
        return LifecycleModel.Run(new LifecycleOptions
        {
            Training = training,
            ReplicaTokensPerSecond = tokensPerSecond,
            ReplicaUtilisationAtCapacity = utilisation,
            AcceleratorsPerReplica = deployment.TensorParallel * deployment.PipelineParallel,
            ServingTdpWatts = deployment.Accelerator.TdpWatts ?? 0,
            Demand = spec.Demand,
            TrainingCost = trainingCost,
            ServingCost = spec.Cost,
            ServingDays = spec.ServingDays,
            Headroom = spec.Headroom,
            ColdStartSeconds = spec.ColdStartSeconds,
            SoftwareGainPerYear = spec.SoftwareGainPerYear,
        });
    }
}
