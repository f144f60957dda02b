using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>Checks a decode stretch against stepping one iteration at a time.</summary>
internal static class DecodeStretchAssert
{
    /// <summary>
    /// The four iterations of <paramref name="sequences"/> sequences from contexts summing to <paramref name="context"/>
    /// (each a token longer a sequence than the last) take, one by one and in one vector pass, exactly the nanoseconds
    /// <see cref="StepTimeModel.DecodeNanos"/> gives each.
    /// </summary>
    public static void MatchesSteps(StepTimeModel model, int sequences, long context)
    {
        DecodeRun run = model.DecodeRun(sequences);
        System.Runtime.Intrinsics.Vector256<long> four = run.Nanos4(context, sequences);
        for (int lane = 0; lane < 4; lane++)
        {
            long sum = context + (lane * (long)sequences);
            long expected = model.DecodeNanos(sequences, sum);
            Assert.Equal(expected, run.Nanos(sum));
            Assert.Equal(expected, four[lane]);
        }
    }
}
