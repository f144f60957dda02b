namespace ClusterSim.Core.Inference.TestTime;

/// <summary>How much compute a request gets at inference time.</summary>
public enum TestTimePolicy
{
    /// <summary>One sample, no thinking.</summary>
    Single,

    /// <summary>N samples sharing the prompt's KV prefix; a verifier picks a correct one if any.</summary>
    BestOfN,

    /// <summary>N samples sharing the prompt's KV prefix; the majority answer wins (self-consistency).</summary>
    Vote,

    /// <summary>One sample that thinks first: thinking tokens drawn from a distribution, capped by a budget.</summary>
    Reasoning,

    /// <summary>Single pass for easy requests; the expensive policy only above a difficulty threshold.</summary>
    Adaptive,
}
