namespace ClusterSim.Experiments.Studies;

/// <summary>Reports a run's share done as a part of a larger whole: from <paramref name="start"/>, <paramref name="width"/> of it.</summary>
internal sealed class PartOfProgress(IProgress<double> whole, double start, double width) : IProgress<double>
{
    /// <inheritdoc/>
    public void Report(double value) => whole.Report(start + (value * width));
}
