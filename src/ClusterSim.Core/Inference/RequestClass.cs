namespace ClusterSim.Core.Inference;

/// <summary>
/// A share of the traffic with its own scheduling priority (lower values are served first under
/// <see cref="SchedulingPolicy.Priority"/>, vLLM's convention) and its own latency figures in the results.
/// </summary>
/// <param name="Name">Names its metrics (<c>class.NAME.ttft_p99_s</c>): letters, digits, '-' and '_'.</param>
/// <param name="Share">The fraction of requests in this class, in (0, 1]; a scenario's shares sum to 1.</param>
/// <param name="Priority">The priority its requests carry (vLLM's request <c>priority</c>: lower is more urgent).</param>
public sealed record RequestClass(string Name, double Share, int Priority)
{
    /// <summary>
    /// The latency bounds its requests must meet to count towards goodput (an interactive class's tighter than a batch
    /// class's); null: the scenario's.
    /// </summary>
    public ServiceLevelObjective? Slo { get; init; }

    /// <summary>Most classes a scenario may have (the request table keeps a class index in a byte).</summary>
    public const int MaxClasses = 64;

    /// <summary>Checks a scenario's classes; returns a problem, or null when they are valid (an empty list is valid: one class).</summary>
    public static string? Problem(IReadOnlyList<RequestClass> classes)
    {
        if (classes.Count > MaxClasses)
        {
            return $"{classes.Count} request classes; at most {MaxClasses}";
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (RequestClass c in classes)
        {
            if (c.Name.Length == 0 || !c.Name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_'))
            {
                return $"request class name '{c.Name}' must be letters, digits, '-' or '_'";
            }

            if (!names.Add(c.Name))
            {
                return $"request class '{c.Name}' is named twice";
            }

            if (!(c.Share > 0 && c.Share <= 1))
            {
                return $"request class '{c.Name}' has share {c.Share}; expected a fraction in (0, 1]";
            }

            if (c.Slo is { } slo && !(slo.TtftSeconds > 0 && slo.TpotSeconds > 0))
            {
                return $"request class '{c.Name}' has an SLO of {slo.TtftSeconds} s TTFT and {slo.TpotSeconds} s TPOT; both must be positive";
            }
        }

        double total = classes.Sum(c => c.Share);
        return classes.Count > 0 && Math.Abs(total - 1) > 1e-6 ? $"request class shares sum to {total:G6}; they must sum to 1" : null;
    }
}
