namespace ClusterSim.Experiments.Studies;

/// <summary>What one candidate costs and delivers at the service's traffic, and when its up-front cost is paid back.</summary>
public sealed record ChoiceOutcome
{
    public required string Name { get; init; }

    /// <summary>Output tokens per second one replica serves within the SLO (measured on a simulated cell).</summary>
    public required double ReplicaTokensPerSecond { get; init; }

    /// <summary>USD per million output tokens the service answers (a cascade pays its own attempt and the escalations).</summary>
    public required double CostPerMillionTokens { get; init; }
    public required double ServingUsdPerDay { get; init; }

    /// <summary>Accuracy delivered to users (a cascade mixes its own and the baseline's).</summary>
    public required double Quality { get; init; }

    /// <summary>Teacher tokens, training run and fixed costs paid before serving, USD.</summary>
    public required double UpfrontUsd { get; init; }

    /// <summary>Days the candidate's own training run takes (0 without one).</summary>
    public required double TrainingDays { get; init; }

    /// <summary>Up-front plus serving cost over the horizon, USD.</summary>
    public required double TotalUsd { get; init; }

    /// <summary>Days of serving after which the savings against the baseline repay the up-front cost; infinite if never.</summary>
    public required double PaybackDays { get; init; }
}
