using ClusterSim.Core.Metrics;

namespace ClusterSim.Core.Inference.TestTime;

/// <summary>What test-time compute bought and cost, per logical request (all its samples together).</summary>
public sealed class TestTimeMetrics
{
    /// <summary>Logical requests whose every sample finished (after warm-up).</summary>
    public long Completed { get; internal set; }

    /// <summary>Logical requests dropped because their first sample could never fit.</summary>
    public long Dropped { get; internal set; }

    /// <summary>Sum of each completed request's probability of a correct answer.</summary>
    public double CorrectSum { get; internal set; }
    public long Samples { get; internal set; }
    public long OutputTokens { get; internal set; }
    public long ThinkingTokens { get; internal set; }

    /// <summary>Arrival to the last sample's last token (when an answer can be chosen), seconds.</summary>
    public QuantileSketch Latency { get; } = new();

    public double Accuracy => Completed == 0 ? double.NaN : CorrectSum / Completed;
}
