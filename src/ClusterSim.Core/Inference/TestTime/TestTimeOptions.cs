using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Core.Inference.TestTime;

/// <summary>A test-time-compute policy with its quality model: per-request difficulty, per-sample success, thinking gains.</summary>
public sealed record TestTimeOptions
{
    public TestTimePolicy Policy { get; init; } = TestTimePolicy.Single;

    /// <summary>Samples per request for best-of-N and voting.</summary>
    public int Samples { get; init; } = 8;

    /// <summary>Thinking tokens per reasoning sample (the distribution's maximum is the budget).</summary>
    public TokenLengths? ThinkingTokens { get; init; }

    /// <summary>Thinking tokens that close 1 − 1/e of the gap to a certain answer: p(T) = 1 − (1 − p)·e^(−T/scale).</summary>
    public double ThinkingScale { get; init; } = 4000;

    /// <summary>Difficulty d ~ Beta(α, β) per request; a single sample succeeds with probability 1 − d.</summary>
    public double DifficultyAlpha { get; init; } = 2;
    public double DifficultyBeta { get; init; } = 2;

    /// <summary>Adaptive: requests with difficulty above this get <see cref="AdaptivePolicy"/>; the rest a single pass.</summary>
    public double AdaptiveThreshold { get; init; } = 0.6;
    public TestTimePolicy AdaptivePolicy { get; init; } = TestTimePolicy.Reasoning;

    /// <summary>USD per accelerator-hour, for the cost per request.</summary>
    public double PricePerHour { get; init; }

    /// <summary>Throws when a field is out of range.</summary>
    public TestTimeOptions Validated()
    {
        if (Samples is < 1 or > 1024 || ThinkingScale <= 0 || DifficultyAlpha <= 0 || DifficultyBeta <= 0 || AdaptiveThreshold is < 0 or > 1 || PricePerHour < 0)
        {
            throw new ArgumentException($"test_time: samples in [1, 1024], thinking_scale, difficulty alpha/beta > 0 and threshold in [0, 1] expected");
        }

        if (AdaptivePolicy is TestTimePolicy.Adaptive or TestTimePolicy.Single)
        {
            throw new ArgumentException("test_time.adaptive.policy must be best-of-n, vote or reasoning");
        }

        if ((Policy == TestTimePolicy.Reasoning || (Policy == TestTimePolicy.Adaptive && AdaptivePolicy == TestTimePolicy.Reasoning)) && ThinkingTokens is null)
        {
            throw new ArgumentException("test_time: the reasoning policy needs thinking_tokens");
        }

        return this;
    }
}
