using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ClusterSim.Core.Inference;

// Removal: finished sequences leave by moving every column down over them in forward vector passes; a preempted one leaves from the back.
internal sealed partial class RunningBatch
{
    /// <summary>Removes the last sequence (a preemption).</summary>
    public void RemoveLast()
    {
        _contextSum -= Context(Count - 1);
        Count--;
        _decodingBelow = Math.Min(_decodingBelow, Count);
    }

    /// <summary>
    /// Removes the sequences at <paramref name="indices"/> (ascending), keeping the others in order: the survivors
    /// between two gaps move down once, every column in the same pass.
    /// </summary>
    public void RemoveAll(ReadOnlySpan<int> indices)
    {
        if (indices.IsEmpty)
        {
            return;
        }

        int below = _decodingBelow;
        foreach (int index in indices)
        {
            _contextSum -= Context(index);
            below -= index < _decodingBelow ? 1 : 0;   // the decoding sequences before the first prompt move down with it
        }

        _decodingBelow = below;

        int count = Count;
        int write = indices[0];
        for (int r = 0; r < indices.Length; r++)
        {
            int from = indices[r] + 1;
            int to = r + 1 < indices.Length ? indices[r + 1] : count;
            MoveDown(from, write, to - from);
            write += to - from;
        }

        Count = count - indices.Length;
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
            source += (uint)Vector256<int>.Count;
            target += (uint)Vector256<int>.Count;
        }

        for (; i < length; i++)
        {
            int s = from + i, t = to + i;
            Request[t] = Request[s];
            PromptLength[t] = PromptLength[s];
            Prefilled[t] = Prefilled[s];
            Generated[t] = Generated[s];
            GeneratedAtAdmission[t] = GeneratedAtAdmission[s];
            Target[t] = Target[s];
            Shared[t] = Shared[s];
            Blocks[t] = Blocks[s];
            GrowAt[t] = GrowAt[s];
            Chunk[t] = Chunk[s];
            LastToken[t] = LastToken[s];
        }
    }

    /// <summary>Moves the 8 entries of <paramref name="column"/> from <paramref name="source"/> to <paramref name="target"/> (the caller checked both ranges).</summary>
    private static void Move8(int[] column, nuint source, nuint target)
    {
        ref int start = ref MemoryMarshal.GetArrayDataReference(column);
        Vector256.LoadUnsafe(ref start, source).StoreUnsafe(ref start, target);
    }
}
