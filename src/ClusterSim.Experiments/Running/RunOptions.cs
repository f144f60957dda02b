namespace ClusterSim.Experiments.Running;

/// <summary>How to run an experiment: on how many cores, which shard of its points, and where finished points go.</summary>
public sealed record RunOptions
{
    /// <summary>Runs in parallel (one worker per core by default).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>The share of the points this process runs.</summary>
    public Shard Shard { get; init; } = Shard.Whole;

    /// <summary>Where each point's files are written as soon as it finishes; null keeps results in memory only.</summary>
    public string? Directory { get; init; }

    /// <summary>Reads points already finished in <see cref="Directory"/> instead of running them again.</summary>
    public bool Resume { get; init; }

    /// <summary>Checks the options before any work starts.</summary>
    /// <exception cref="ArgumentException">An option is out of range or options contradict each other.</exception>
    public RunOptions Validated()
    {
        if (Workers < 1)
        {
            throw new ArgumentException($"workers must be at least 1, got {Workers}");
        }

        if (Resume && Directory is null)
        {
            throw new ArgumentException("resuming needs the results directory of the interrupted run");
        }

        return this;
    }
}
