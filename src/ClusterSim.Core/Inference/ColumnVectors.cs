using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ClusterSim.Core.Inference;

/// <summary>
/// Whole-vector loads and stores on a running batch's columns without a bounds check per access: the columns are padded
/// to whole vectors and every pass starts below the batch's count, so a vector from there lies inside the column (checked
/// in debug builds). Vector256.Create(array, index) checks each access, which in a pass over five columns cost more
/// instructions than the arithmetic.
/// </summary>
internal static class ColumnVectors
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Load(int[] column, int start)
    {
        Debug.Assert((uint)start <= (uint)(column.Length - Vector256<int>.Count), "a whole vector inside the column");
        return Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(column), (nuint)(uint)start);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> Load(long[] column, int start)
    {
        Debug.Assert((uint)start <= (uint)(column.Length - Vector256<long>.Count), "a whole vector inside the column");
        return Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(column), (nuint)(uint)start);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreTo(this Vector256<int> values, int[] column, int start)
    {
        Debug.Assert((uint)start <= (uint)(column.Length - Vector256<int>.Count), "a whole vector inside the column");
        values.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(column), (nuint)(uint)start);
    }
}
