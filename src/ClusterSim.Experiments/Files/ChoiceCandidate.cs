using ClusterSim.Core.Inference;
using ClusterSim.Core.Performance;
using ClusterSim.Core.Training;

namespace ClusterSim.Experiments.Files;

/// <summary>
/// One way to answer a service's traffic: a deployment with its price and quality, and what it costs before it can
/// serve (a distillation's teacher tokens and student training, a fine-tuning run, a quantisation's fixed cost).
/// </summary>
public sealed record ChoiceCandidate
{
    public required string Name { get; init; }
    public required ServingDeployment Deployment { get; init; }
    public required SchedulerOptions Scheduler { get; init; }

    /// <summary>USD per accelerator-hour of the deployment's hardware.</summary>
    public required double PricePerHour { get; init; }

    /// <summary>Accuracy on the service's task mix (0-1), from a published benchmark the experiment names.</summary>
    public required double Quality { get; init; }

    /// <summary>Output tokens the baseline generates as distillation data, paid at the baseline's cost per token.</summary>
    public double TeacherTokens { get; init; }

    /// <summary>The candidate's own training run (a distilled student or a fine-tune), simulated and paid for before it serves.</summary>
    public TrainingJob? Training { get; init; }

    /// <summary>Any other fixed cost before serving (a quantisation's calibration, say), USD.</summary>
    public double UpfrontUsd { get; init; }

    /// <summary>
    /// In a cascade, the share of requests the candidate answers itself; the rest are escalated to the baseline after the
    /// candidate's attempt. Null: the candidate answers everything.
    /// </summary>
    public double? CascadeShare { get; init; }

    /// <summary>The candidate's accuracy on the share it answers in a cascade (its overall quality when not measured).</summary>
    public double? CascadeQuality { get; init; }
}
