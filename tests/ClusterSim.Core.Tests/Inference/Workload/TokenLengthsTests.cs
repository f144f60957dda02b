using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Core.Tests.Inference.Workload;

public class TokenLengthsTests
{
    [Fact]
    public void A_recorded_sequence_is_drawn_in_its_order_and_starts_over_after_the_last()
    {
        TokenLengths lengths = TokenLengths.Sequence([300, 7, 0, 1200]);
        var random = new RandomStreams(1).For("lengths");

        int[] drawn = [.. Enumerable.Range(0, 6).Select(_ => lengths.Sample(random))];

        Assert.Equal([300, 7, 1, 1200, 300, 7], drawn);   // a recorded 0 is clamped to one token, as every draw is
        Assert.Equal(376.75, lengths.Mean);
    }

    [Fact]
    public void A_recorded_sequence_draws_the_same_whatever_the_stream()
    {
        int[] Draw(long seed)
        {
            TokenLengths lengths = TokenLengths.Sequence([5, 9, 2]);
            var random = new RandomStreams(seed).For("lengths");
            return [.. Enumerable.Range(0, 3).Select(_ => lengths.Sample(random))];
        }

        Assert.Equal(Draw(1), Draw(99));
    }

    [Fact]
    public void An_empty_recording_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => TokenLengths.Sequence([]));
        Assert.Contains("at least one length", e.Message, StringComparison.Ordinal);
    }
}
