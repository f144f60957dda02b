namespace ClusterSim.Core.Inference;

/// <summary>A front-end cache of whole answers to repeated queries: how many it keeps, for how long, and what a lookup costs.</summary>
public sealed record ResponseCacheOptions
{
    /// <summary>Answers kept at most (least recently used go first); 0 turns the cache off.</summary>
    public int Entries { get; init; } = 10_000;

    /// <summary>How long an answer stays valid, seconds.</summary>
    public double TtlSeconds { get; init; } = 3600;

    /// <summary>Time to find and return a cached answer, seconds.</summary>
    public double LookupSeconds { get; init; } = 0.005;

    /// <summary>Throws when a field is out of range.</summary>
    public ResponseCacheOptions Validated() =>
        Entries >= 0 && TtlSeconds > 0 && LookupSeconds >= 0 && double.IsFinite(LookupSeconds)
            ? this
            : throw new ArgumentException($"response cache: entries must not be negative, ttl positive and lookup finite (got {Entries}, {TtlSeconds} s, {LookupSeconds} s)");
}
