using System.Runtime.Intrinsics;

namespace ClusterSim.Core.Engine;

/// <summary>
/// Durations in nanoseconds whose sign carries a flag of the caller's (a macro-step marks compute-bound iterations
/// negative): their sums, in vector passes.
/// </summary>
internal static class SignedNanos
{
    /// <summary>The sum of the absolute values.</summary>
    public static long SumOfAbsolutes(ReadOnlySpan<long> values)
    {
        int i = 0;
        var sum = Vector256<long>.Zero;
        for (; i <= values.Length - Vector256<long>.Count; i += Vector256<long>.Count)
        {
            sum += Vector256.Abs(Vector256.Create(values[i..]));
        }

        long total = Vector256.Sum(sum);
        for (; i < values.Length; i++)
        {
            total += Math.Abs(values[i]);
        }

        return total;
    }

    /// <summary>The sum of the absolute values of the negative ones (the flagged durations).</summary>
    public static long SumOfNegatives(ReadOnlySpan<long> values)
    {
        int i = 0;
        var sum = Vector256<long>.Zero;
        for (; i <= values.Length - Vector256<long>.Count; i += Vector256<long>.Count)
        {
            sum += Vector256.Max(-Vector256.Create(values[i..]), Vector256<long>.Zero);
        }

        long total = Vector256.Sum(sum);
        for (; i < values.Length; i++)
        {
            total += values[i] < 0 ? -values[i] : 0;
        }

        return total;
    }
}
