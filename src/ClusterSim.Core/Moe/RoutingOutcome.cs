namespace ClusterSim.Core.Moe;

/// <summary>
/// One iteration's routing: the busiest accelerator's routed tokens over the mean (imbalance ≥ 1), the most distinct
/// experts any accelerator must read, and tokens dropped by the capacity cap.
/// </summary>
public readonly record struct RoutingOutcome(double Imbalance, int MaxExpertsTouchedPerAccelerator, int ExpertsTouched, long DroppedTokens, long RoutedTokens)
{
    /// <summary>No routing information: the step model falls back to its uniform expectation.</summary>
    public static RoutingOutcome None => default;

    public bool IsNone => RoutedTokens == 0 && Imbalance == 0;
}
