namespace ClusterSim.Core.Inference.Scheduling;

/// <summary>
/// How a replica forms each iteration's batch: whether requests join a running batch, whether KV grows with the
/// sequences or is reserved up front, and which prompt tokens each iteration prefills. It neither schedules events
/// nor records metrics; the replica does.
/// </summary>
internal abstract class BatchScheduler
{
    private protected BatchScheduler(SchedulerOptions options) => Options = options;

    /// <summary>The limits this scheduler works within.</summary>
    public SchedulerOptions Options { get; }

    /// <summary>True when waiting requests may join a batch that is already running.</summary>
    public abstract bool JoinsRunningBatch { get; }

    /// <summary>True when sequences take KV blocks as they grow; false when admission reserves the whole sequence.</summary>
    public abstract bool GrowsKv { get; }

    /// <summary>
    /// Sets this iteration's prompt chunks (<see cref="RunningBatch.Chunk"/>) for the batch's prefilling sequences and
    /// returns their total; <paramref name="decodesRun"/> says whether decoding sequences also take a step.
    /// </summary>
    public abstract int PlanPrefill(RunningBatch batch, int prefilling, out bool decodesRun);

    /// <summary>The scheduler of <paramref name="options"/>'s kind.</summary>
    public static BatchScheduler Create(SchedulerOptions options) => options.Validated().Kind switch
    {
        SchedulerKind.Continuous => new ContinuousBatching(options, chunked: false),
        SchedulerKind.ChunkedPrefill => new ChunkedPrefillBatching(options),
        SchedulerKind.Static => new StaticBatching(options),
        SchedulerKind.WholePrompts => new WholePromptBatching(options),
        SchedulerKind.PrefillFirst => new ContinuousBatching(options, chunked: true),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "unknown scheduler"),
    };

    /// <summary>
    /// Gives prompts chunks in batch order until <paramref name="budget"/> tokens are spent: cut to fit (and to the options'
    /// <see cref="SchedulerOptions.MaxChunkTokens"/>) when <paramref name="chunked"/>, else whole, and — when
    /// <paramref name="limited"/> — only while the first or the total fits.
    /// </summary>
    private protected int Fill(RunningBatch batch, int budget, bool chunked, bool limited)
    {
        int total = 0;
        int cap = Options.ChunkCap;
        foreach (int i in batch.Selected(Selection.Prefilling))
        {
            int remaining = batch.PromptLength[i] - batch.Prefilled[i];
            int chunk = chunked ? Math.Min(remaining, Math.Min(budget, cap)) : remaining;
            if (chunk <= 0 || (limited && !chunked && total > 0 && total + chunk > budget))
            {
                break;
            }

            batch.Chunk[i] = chunk;
            budget -= chunk;
            total += chunk;
        }

        return total;
    }
}
