using System.Runtime.Intrinsics;

namespace ClusterSim.Core.Inference;

// KV growth: every sequence that outgrew its blocks gets them in one vector pass, or none does (the caller then grows one by one and may preempt).
internal sealed partial class RunningBatch
{
    /// <summary>
    /// When the free blocks cover what every sequence that outgrew its blocks needs, gives each what it needs (vectorised)
    /// and returns how many were given; otherwise changes nothing and returns −1 (with a power-of-two block size in one pass
    /// that gives as it counts, and a second that takes back on the rare shortfall). A sequence short of several blocks (after
    /// a macro-step) needs ⌈excess / b⌉, a shift when b is a power of two; with another block size a shortfall of more than
    /// one block is left to the caller (−1).
    /// </summary>
    public int TryGrowEach(int freeBlocks)
    {
        if (_blockShift < 0)
        {
            return TryGrowEachCounted(freeBlocks);
        }

        // One pass gives every sequence what it needs and remembers it; in the rare shortfall a second pass takes it back.
        // The columns and constants are held in locals: the stores would otherwise make the JIT reload every field.
        int n = Count;
        int[] generated = Generated, growAt = GrowAt, blocks = Blocks, given = _given;
        var needed = Vector256<int>.Zero;
        var roundUp = Vector256.Create(_blockTokens - 1);
        var perBlock = Vector256.Create(_blockTokens);
        int shift = _blockShift;
        for (int i = 0; i < n; i += Vector256<int>.Count)
        {
            Vector256<int> grow = ColumnVectors.Load(growAt, i);
            Vector256<int> excess = Vector256.Max(ColumnVectors.Load(generated, i) - grow, Vector256<int>.Zero) & LiveLanes(i, n);
            Vector256<int> need = Vector256.ShiftRightArithmetic(excess + roundUp, shift);
            needed += need;
            need.StoreTo(given, i);
            (ColumnVectors.Load(blocks, i) + need).StoreTo(blocks, i);
            (grow + (need * perBlock)).StoreTo(growAt, i);
        }

        int count = Vector256.Sum(needed);
        if (count == 0 || count <= freeBlocks)
        {
            return count;
        }

        for (int i = 0; i < n; i += Vector256<int>.Count)
        {
            Vector256<int> back = ColumnVectors.Load(given, i);
            (ColumnVectors.Load(blocks, i) - back).StoreTo(blocks, i);
            (ColumnVectors.Load(growAt, i) - (back * perBlock)).StoreTo(growAt, i);
        }

        return -1;
    }

    /// <summary><see cref="TryGrowEach"/> for a block size that is not a power of two: counts first, then gives.</summary>
    private int TryGrowEachCounted(int freeBlocks)
    {
        int n = Count;
        var needed = Vector256<int>.Zero;
        for (int i = 0; i < n; i += Vector256<int>.Count)
        {
            Vector256<int> excess = Excess(i);
            if (Vector256.GreaterThanAny(excess, Vector256.Create(_blockTokens)))
            {
                return -1;
            }

            needed += BlocksNeeded(excess);
        }

        int count = Vector256.Sum(needed);
        if (count == 0 || count > freeBlocks)
        {
            return count == 0 ? 0 : -1;
        }

        for (int i = 0; i < n; i += Vector256<int>.Count)
        {
            Vector256<int> need = BlocksNeeded(Excess(i));
            (ColumnVectors.Load(Blocks, i) + need).StoreTo(Blocks, i);
            (ColumnVectors.Load(GrowAt, i) + (need * _blockTokens)).StoreTo(GrowAt, i);
        }

        return count;
    }

    /// <summary>Tokens beyond what their blocks cover, for the sequences from <paramref name="start"/> (0 where none, and past <see cref="Count"/>).</summary>
    private Vector256<int> Excess(int start) =>
        Vector256.Max(ColumnVectors.Load(Generated, start) - ColumnVectors.Load(GrowAt, start), Vector256<int>.Zero)
        & LiveLanes(start);

    /// <summary>⌈excess / b⌉ per lane (with a block size that is not a power of two, 1 where any: larger shortfalls were refused).</summary>
    private Vector256<int> BlocksNeeded(Vector256<int> excess) => _blockShift >= 0
        ? Vector256.ShiftRightArithmetic(excess + Vector256.Create(_blockTokens - 1), _blockShift)
        : Vector256.GreaterThan(excess, Vector256<int>.Zero) & Vector256<int>.One;
}
