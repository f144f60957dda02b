using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;

namespace ClusterSim.Experiments.Running;

/// <summary>
/// One point's replications as they come in, in any order, and when the point has the ones it keeps: all of a fixed
/// count, or under sequential replications the prefix <see cref="ReplicationTarget.StopAt"/> settles on. A replication
/// run ahead of that decision (to keep every worker busy) and not needed is dropped, so what is kept never depends on
/// how many ran at once.
/// </summary>
internal sealed class PointReplications
{
    private readonly int _min;
    private readonly ReplicationTarget? _until;
    private readonly RecordedResult?[] _results;
    private int _contiguous;

    public PointReplications(int min, int max, ReplicationTarget? until)
    {
        _min = min;
        _until = until;
        _results = new RecordedResult?[max];
        Scheduled = min;
    }

    /// <summary>Replications asked for so far (0 to <see cref="Scheduled"/> − 1).</summary>
    public int Scheduled { get; private set; }

    /// <summary>The replications the point keeps, in order, once decided; null until then.</summary>
    public RecordedResult[]? Kept { get; private set; }

    /// <summary>
    /// Records replication <paramref name="replication"/>'s result; returns how many more to ask for (numbered from the
    /// <see cref="Scheduled"/> before the call), keeping up to <paramref name="ahead"/> in flight beyond those in hand.
    /// </summary>
    public int Arrived(int replication, RecordedResult result, int ahead)
    {
        if (Kept is not null)
        {
            return 0;   // run ahead of the decision and not needed
        }

        _results[replication] = result;
        while (_contiguous < Scheduled && _results[_contiguous] is not null)
        {
            _contiguous++;
        }

        if (_contiguous < _min || (_until is null && _contiguous < Scheduled))
        {
            return 0;
        }

        RecordedResult[] prefix = [.. _results.Take(_contiguous).Select(r => r!)];
        int? keep = _until is null ? prefix.Length : _until.StopAt(prefix, _min);
        if (keep is { } count)
        {
            Kept = prefix[..count];
            return 0;
        }

        int wanted = Math.Min(_results.Length, _contiguous + Math.Max(1, ahead));
        int more = Math.Max(0, wanted - Scheduled);
        Scheduled += more;
        return more;
    }
}
