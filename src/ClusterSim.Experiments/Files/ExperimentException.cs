namespace ClusterSim.Experiments.Files;

/// <summary>An experiment that cannot run, with every problem found (not just the first).</summary>
public sealed class ExperimentException : Exception
{
    /// <summary>Creates the error from its problems.</summary>
    public ExperimentException(IReadOnlyList<ExperimentProblem> problems)
        : base(string.Join(Environment.NewLine, problems)) => Problems = problems;

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ExperimentProblem> Problems { get; }
}
