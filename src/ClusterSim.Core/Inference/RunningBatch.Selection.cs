using System.Runtime.Intrinsics;

namespace ClusterSim.Core.Inference;

// Selection: the lanes of a vector that are prefilling, finished or in need of a block, as bit masks the callers walk.
internal sealed partial class RunningBatch
{
    /// <summary>
    /// The indices of the sequences in <paramref name="selection"/>, ascending, found a vector of 8 at a time; for
    /// <c>foreach</c>, without allocating. Each vector's mask is read when the walk reaches it, against the current
    /// <see cref="Count"/>; a caller that removes sequences while walking must check the index against Count.
    /// </summary>
    public SelectedIndices Selected(Selection selection) => new(this, selection);

    private uint Mask(Selection selection, int start) => selection switch
    {
        Selection.Prefilling => PrefillingMask(start),
        Selection.Finished => FinishedLanes(start),
        _ => NeedsBlockMask(start),
    };

    /// <summary>
    /// Bit j set when sequence <paramref name="start"/> + j (j below <see cref="Vector256{T}.Count"/>) holds more tokens than
    /// its blocks cover; lanes at or beyond <see cref="Count"/> are clear.
    /// </summary>
    public uint NeedsBlockMask(int start) =>
        Live(start, Vector256.GreaterThan(ColumnVectors.Load(Generated, start), ColumnVectors.Load(GrowAt, start)).AsUInt32().ExtractMostSignificantBits());

    /// <summary>Bit j set when sequence <paramref name="start"/> + j is still prefilling its prompt; lanes at or beyond <see cref="Count"/> are clear.</summary>
    public uint PrefillingMask(int start) =>
        Live(start, Vector256.Equals(ColumnVectors.Load(Prefilled, start), ColumnVectors.Load(PromptLength, start)).AsUInt32().ExtractMostSignificantBits() ^ 0xFFu);

    /// <summary>Bit j set when sequence <paramref name="start"/> + j has produced every token it should; lanes at or beyond <see cref="Count"/> are clear.</summary>
    public uint FinishedMask(int start) =>
        Live(start, Vector256.GreaterThanOrEqual(ColumnVectors.Load(Generated, start), ColumnVectors.Load(Target, start)).AsUInt32().ExtractMostSignificantBits());

    /// <summary>All ones in the lanes of the vector from <paramref name="start"/> that hold a sequence (below <see cref="Count"/>).</summary>
    private Vector256<int> LiveLanes(int start) => LiveLanes(start, Count);

    /// <summary>All ones in the lanes of the vector from <paramref name="start"/> below <paramref name="count"/>.</summary>
    private static Vector256<int> LiveLanes(int start, int count) => Vector256.LessThan(Vector256.Create(start) + Vector256<int>.Indices, Vector256.Create(count));

    private uint Live(int start, uint mask)
    {
        int live = Count - start;
        return live >= Vector256<int>.Count ? mask : live <= 0 ? 0 : mask & ((1u << live) - 1);
    }
}
