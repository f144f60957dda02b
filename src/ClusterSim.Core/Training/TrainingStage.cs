namespace ClusterSim.Core.Training;

/// <summary>
/// One stage of a run that changes shape on the way: a batch-size ramp, a long-context extension, a data-parallel
/// degree (and so a chip count) of its own. Fields left null keep the job's value.
/// </summary>
public sealed record TrainingStage
{
    /// <summary>Tokens trained in this stage.</summary>
    public required double Tokens { get; init; }
    public double? GlobalBatchTokens { get; init; }
    public int? SequenceLength { get; init; }
    public int? DataParallel { get; init; }
    public int? ContextParallel { get; init; }
}
