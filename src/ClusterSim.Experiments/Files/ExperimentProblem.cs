namespace ClusterSim.Experiments.Files;

/// <summary>One thing wrong with an experiment file: where (file:line:column and field path) and what was expected.</summary>
public sealed record ExperimentProblem(string File, int Line, int Column, string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}:{Column}: {Path}: {Message}";
}
