namespace ClusterSim.Experiments.Studies;

/// <summary>What an experiment's points run; each kind is one <see cref="Study"/>.</summary>
public enum StudyKind
{
    /// <summary>Requests served by a fleet of replicas (with or without a test-time policy).</summary>
    Serving,

    /// <summary>One training run with failures and checkpoints.</summary>
    Training,

    /// <summary>A training run, then the model served for its life: the cost crossover.</summary>
    Lifecycle,

    /// <summary>A serving fleet sized and costed over its life, without a training bill.</summary>
    Fleet,

    /// <summary>A simulated lifecycle as the base year of industry-wide spend trends.</summary>
    Industry,

    /// <summary>Training jobs and serving deployments sharing the pools of one cluster.</summary>
    Cluster,

    /// <summary>Alternatives for one service (distilled, quantised, fine-tuned, cascaded) at the same traffic and SLO.</summary>
    Choices,

    /// <summary>An assistant on its users' devices against the cloud, and a hybrid of the two.</summary>
    Edge,
}
