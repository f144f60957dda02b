using System.Runtime.Intrinsics;

namespace ClusterSim.Core.Inference;

// What is left to produce, kept from the last pass that advanced the batch: the smallest remaining count (for a stretch's
// length), the finished lanes (for retirement) and the smallest count among the others (the batch's after retirement), so
// that neither needs a pass of its own. A change these cannot follow marks them stale and the next use scans.
internal sealed partial class RunningBatch
{
    private readonly uint[] _finishedMasks;   // per vector of 8: the lanes with nothing left to produce, as of the last pass
    private bool _finishedCurrent;
    private int _minRemaining;
    private bool _minCurrent;
    private int _survivorMin;   // the smallest remaining count among the sequences with some left
    private bool _survivorCurrent;

    /// <summary>Smallest number of output tokens any sequence still has to produce (int.MaxValue for none): kept, or one vector pass.</summary>
    public int MinRemaining()
    {
        if (!_minCurrent)
        {
            _minRemaining = ScanMinRemaining();
            _minCurrent = true;
        }

        return _minRemaining;
    }

    /// <summary>
    /// Removes the sequences at <paramref name="indices"/>, which are exactly those with nothing left to produce (see
    /// <see cref="RemoveAll"/>): the smallest remaining count is then the survivors', known since the last pass.
    /// </summary>
    public void RemoveFinished(Span<int> indices)
    {
        bool known = _survivorCurrent;
        int survivors = _survivorMin;
        RemoveAll(indices);
        _minRemaining = survivors;
        _minCurrent = known;
    }

    /// <summary>Notes, within a pass over the vector from <paramref name="start"/>, what its live lanes have left.</summary>
    private void NoteRemaining(int start, Vector256<int> remaining, Vector256<int> live, ref Vector256<int> least, ref Vector256<int> leastLeft)
    {
        Vector256<int> none = Vector256.Create(int.MaxValue);
        Vector256<int> finished = Vector256.LessThanOrEqual(remaining, Vector256<int>.Zero) & live;
        _finishedMasks[(uint)start / Vector256<int>.Count] = finished.AsUInt32().ExtractMostSignificantBits();
        least = Vector256.Min(least, Vector256.ConditionalSelect(live, remaining, none));
        leastLeft = Vector256.Min(leastLeft, Vector256.ConditionalSelect(live & ~finished, remaining, none));
    }

    /// <summary>Records a pass's results over the whole batch.</summary>
    private void KeepRemaining(Vector256<int> least, Vector256<int> leastLeft)
    {
        _minRemaining = SmallestLane(least);
        _survivorMin = SmallestLane(leastLeft);
        _minCurrent = _survivorCurrent = _finishedCurrent = true;
    }

    /// <summary>Sequence <paramref name="i"/> now has <paramref name="remaining"/> tokens to produce (one fewer, or newly admitted).</summary>
    private void NoteRemaining(int i, int remaining)
    {
        _minRemaining = Math.Min(_minRemaining, remaining);
        if (remaining > 0)
        {
            _survivorMin = Math.Min(_survivorMin, remaining);
        }
        else
        {
            _survivorCurrent = false;   // it may have been the survivors' smallest
        }

        uint bit = 1u << (i % Vector256<int>.Count);
        ref uint mask = ref _finishedMasks[(uint)i / Vector256<int>.Count];
        mask = remaining <= 0 ? mask | bit : mask & ~bit;
    }

    /// <summary>The columns changed in a way the kept counts cannot follow.</summary>
    private void ForgetRemaining() => _minCurrent = _survivorCurrent = _finishedCurrent = false;

    /// <summary>The finished lanes of the vector from <paramref name="start"/>: kept, or compared.</summary>
    private uint FinishedLanes(int start) => _finishedCurrent ? _finishedMasks[(uint)start / Vector256<int>.Count] : FinishedMask(start);

    private int ScanMinRemaining()
    {
        int n = Count;
        int[] target = Target, generated = Generated;
        var best = Vector256.Create(int.MaxValue);
        for (int i = 0; i < n; i += Vector256<int>.Count)
        {
            Vector256<int> remaining = ColumnVectors.Load(target, i) - ColumnVectors.Load(generated, i);
            best = Vector256.Min(best, Vector256.ConditionalSelect(LiveLanes(i, n), remaining, Vector256.Create(int.MaxValue)));
        }

        return SmallestLane(best);
    }
}
