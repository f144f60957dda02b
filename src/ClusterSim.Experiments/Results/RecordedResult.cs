using ClusterSim.Core.Metrics;

namespace ClusterSim.Experiments.Results;

/// <summary>
/// A replication as it is written to and read back from a results directory: its scalars, its invariant check,
/// and (for the first replication of a point) its time series and distributions. Summaries and reports are built
/// from these records only, so a run that was resumed, sharded or merged writes the same bytes as one that was not.
/// </summary>
public sealed class RecordedResult : ISimulationResult
{
    private readonly IReadOnlyList<(string Name, double Value)> _scalars;
    private readonly SeriesTable _series;
    private readonly QuantileTable _quantiles;

    public RecordedResult(bool conserved, IReadOnlyList<(string Name, double Value)> scalars, SeriesTable series, QuantileTable quantiles)
    {
        Conserved = conserved;
        _scalars = scalars.Select(s => (s.Name, Finite(s.Value))).ToArray();
        _series = new SeriesTable(series.TimeSeconds.Select(Finite).ToArray(), series.Columns.Select(Normalise).ToArray());
        _quantiles = new QuantileTable(quantiles.Levels.Select(Finite).ToArray(), quantiles.Columns.Select(Normalise).ToArray());
    }

    /// <inheritdoc/>
    public bool Conserved { get; }

    /// <summary>
    /// The record of a finished run. Only the first replication keeps its series and distributions (the files hold
    /// no more). Values that are not finite become NaN, as they do in the files, and units are dropped, which the
    /// files do not carry either.
    /// </summary>
    public static RecordedResult Of(ISimulationResult result, bool keepDetail) => new(
        result.Conserved,
        result.Scalars(),
        keepDetail ? result.Series() : SeriesTable.Empty,
        keepDetail ? result.Quantiles() : QuantileTable.Empty);

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, double Value)> Scalars() => _scalars;

    /// <summary>The named scalar (NaN when the run did not report it).</summary>
    public double Scalar(string name)
    {
        foreach (var (key, value) in _scalars)
        {
            if (key == name)
            {
                return value;
            }
        }

        return double.NaN;
    }

    /// <inheritdoc/>
    public SeriesTable Series() => _series;

    /// <inheritdoc/>
    public QuantileTable Quantiles() => _quantiles;

    private static double Finite(double value) => double.IsFinite(value) ? value : double.NaN;

    private static SeriesColumn Normalise(SeriesColumn column) => new(column.Name, string.Empty, column.Values.Select(Finite).ToArray());
}
