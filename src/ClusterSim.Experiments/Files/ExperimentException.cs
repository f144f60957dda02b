namespace ClusterSim.Experiments.Files;

/// <summary>An experiment that cannot run, with every problem found (not just the first).</summary>
public sealed class ExperimentException : Exception
{
    /// <summary>Creates the error from its problems.</summary>
    public ExperimentException(IReadOnlyList<ExperimentProblem> problems)
        : this(problems.OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Line).ThenBy(p => p.Column).ToList())
    {
    }

    private ExperimentException(List<ExperimentProblem> sorted)
        : base(string.Join(Environment.NewLine, sorted)) => Problems = sorted;

    /// <summary>Every problem found, in file order.</summary>
    public IReadOnlyList<ExperimentProblem> Problems { get; }
}
