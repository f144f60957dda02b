using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ClusterSim.Core.Inference;

// Removal: a sequence decoding ahead of the first prompt leaves its place to the last such; from the first prompt on, the sequences after a leaver move down. Rules stated in admission order sort by it first.
internal sealed partial class RunningBatch
{
    /// <summary>Removes the last sequence (a preemption).</summary>
    public void RemoveLast()
    {
        ForgetRemaining();
        _contextSum -= Context(Count - 1);
        Count--;
        _decodingBelow = Math.Min(_decodingBelow, Count);
    }

    /// <summary>
    /// Removes the sequences at <paramref name="indices"/> (any order; the span is sorted in place). One among the
    /// sequences that decode ahead of the first prompt leaves its place to the last of them, so only the sequences from
    /// the first prompt on move down (a few, where a whole tail moved before); from the first prompt on, the survivors
    /// keep their order.
    /// </summary>
    public void RemoveAll(Span<int> indices)
    {
        ForgetRemaining();
        if (indices.Length > 1)
        {
            indices.Sort();
        }

        for (int k = indices.Length - 1; k >= 0; k--)
        {
            // Highest first: a removal moves only sequences above it, or the last unordered one, which is above it too.
            int index = indices[k];
            _contextSum -= Context(index);
            if (index >= _decodingBelow)
            {
                MoveDown(index + 1, index, Count - index - 1);
            }
            else
            {
                int last = _decodingBelow - 1;
                if (index != last)
                {
                    MoveOne(last, index);
                }

                MoveDown(_decodingBelow, last, Count - _decodingBelow);
                _decodingBelow = last;
            }

            Count--;
        }
    }

    /// <summary>
    /// Puts the batch in admission order (the order a replica's rules — preempt the latest, grow in turn — are stated
    /// in); everything from index 0 then counts as ordered. Called before those rules apply, which is rare: when the
    /// free blocks do not cover the batch's growth.
    /// </summary>
    public void SortByAdmission()
    {
        int n = Count;
        bool sorted = true;
        for (int i = 1; i < n && sorted; i++)
        {
            sorted = Admission[i - 1] < Admission[i];
        }

        _decodingBelow = 0;
        if (sorted)
        {
            return;
        }

        _finishedCurrent = false;   // the lanes move (the counts stay)
        Array.Copy(Admission, _sortKeys, n);
        for (int i = 0; i < n; i++)
        {
            _sortOrder[i] = i;
        }

        Array.Sort(_sortKeys, _sortOrder, 0, n);
        foreach (int[] column in _intColumns)
        {
            for (int i = 0; i < n; i++)
            {
                _sortInts[i] = column[_sortOrder[i]];
            }

            Array.Copy(_sortInts, column, n);
        }

        foreach (long[] column in _longColumns)
        {
            for (int i = 0; i < n; i++)
            {
                _sortLongs[i] = column[_sortOrder[i]];
            }

            Array.Copy(_sortLongs, column, n);
        }
    }

    /// <summary>Sorts the batch indices in <paramref name="indices"/> by admission (a handful, by insertion).</summary>
    public void OrderByAdmission(Span<int> indices)
    {
        for (int k = 1; k < indices.Length; k++)
        {
            int index = indices[k];
            int j = k - 1;
            for (; j >= 0 && Admission[indices[j]] > Admission[index]; j--)
            {
                indices[j + 1] = indices[j];
            }

            indices[j + 1] = index;
        }
    }

    /// <summary>Records that no sequence is prefilling (the replica counts them), so walks over the prompts end at once.</summary>
    public void NoPrompts() => _decodingBelow = Count;

    /// <summary>Moves entry <paramref name="from"/> of every column to <paramref name="to"/>.</summary>
    private void MoveOne(int from, int to)
    {
        Request[to] = Request[from];
        PromptLength[to] = PromptLength[from];
        Prefilled[to] = Prefilled[from];
        Generated[to] = Generated[from];
        GeneratedAtAdmission[to] = GeneratedAtAdmission[from];
        Target[to] = Target[from];
        Shared[to] = Shared[from];
        Blocks[to] = Blocks[from];
        GrowAt[to] = GrowAt[from];
        Chunk[to] = Chunk[from];
        LastToken[to] = LastToken[from];
        Admission[to] = Admission[from];
    }

    /// <summary>
    /// Moves entries <paramref name="from"/> to <paramref name="from"/> + <paramref name="length"/> − 1 of every column
    /// down to <paramref name="to"/> (below <paramref name="from"/>), in ascending order: a load never reads what an
    /// earlier store wrote, since every store lands below the loads still to come. (Span's own copy hands overlapping
    /// moves to the C library through a native call, which a batch's short moves paid for per column.)
    /// </summary>
    private void MoveDown(int from, int to, int length)
    {
        if (to < 0 || to >= from || from + length > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "a move down within the batch");
        }

        nuint source = (uint)from, target = (uint)to;
        int i = 0;
        for (; i <= length - Vector256<int>.Count; i += Vector256<int>.Count)
        {
            // In bounds: source + 8 ≤ from + length ≤ Count, and the target is below the source.
            Move8(Request, source, target);
            Move8(PromptLength, source, target);
            Move8(Prefilled, source, target);
            Move8(Generated, source, target);
            Move8(GeneratedAtAdmission, source, target);
            Move8(Target, source, target);
            Move8(Shared, source, target);
            Move8(Blocks, source, target);
            Move8(GrowAt, source, target);
            Move8(Chunk, source, target);
            ref long last = ref MemoryMarshal.GetArrayDataReference(LastToken);
            Vector256.LoadUnsafe(ref last, source).StoreUnsafe(ref last, target);
            Vector256.LoadUnsafe(ref last, source + (uint)Vector256<long>.Count).StoreUnsafe(ref last, target + (uint)Vector256<long>.Count);
            ref long admission = ref MemoryMarshal.GetArrayDataReference(Admission);
            Vector256.LoadUnsafe(ref admission, source).StoreUnsafe(ref admission, target);
            Vector256.LoadUnsafe(ref admission, source + (uint)Vector256<long>.Count).StoreUnsafe(ref admission, target + (uint)Vector256<long>.Count);
            source += (uint)Vector256<int>.Count;
            target += (uint)Vector256<int>.Count;
        }

        for (; i < length; i++)
        {
            MoveOne(from + i, to + i);
        }
    }

    /// <summary>Moves the 8 entries of <paramref name="column"/> from <paramref name="source"/> to <paramref name="target"/> (the caller checked both ranges).</summary>
    private static void Move8(int[] column, nuint source, nuint target)
    {
        ref int start = ref MemoryMarshal.GetArrayDataReference(column);
        Vector256.LoadUnsafe(ref start, source).StoreUnsafe(ref start, target);
    }
}
