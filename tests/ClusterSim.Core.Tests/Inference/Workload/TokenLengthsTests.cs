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

    [Theory]
    [InlineData(128, 100.0)]
    [InlineData(128, 20.0)]
    [InlineData(2048, 700.0)]
    public void Answers_stopped_at_EOS_average_the_mean_asked_for_and_reach_the_cap_as_often_as_the_geometric_law_says(int cap, double mean)
    {
        TokenLengths lengths = TokenLengths.StoppedAtEos(cap, mean);
        var random = new RandomStreams(3).For("lengths");
        int[] drawn = [.. Enumerable.Range(0, 200_000).Select(_ => lengths.Sample(random))];

        Assert.Equal(mean, lengths.Mean, 1e-9 * cap);
        Assert.Equal(mean, drawn.Average(), 0.01 * mean);
        Assert.InRange(drawn.Min(), 1, cap);
        Assert.Equal(cap, drawn.Max());
        double atCap = drawn.Count(n => n == cap) / (double)drawn.Length;
        Assert.Equal(TokenLengths.StoppedAtEosShareAtCap(cap, mean), atCap, 0.005);

        // Memoryless below the cap: an answer that reached k tokens goes on to k + 10 as often as one that reached 1 did.
        double Survives(int from) => drawn.Count(n => n >= from + 10) / (double)drawn.Count(n => n >= from);
        Assert.Equal(Survives(1), Survives(cap / 2), 0.02);
    }

    [Fact]
    public void A_mean_at_the_cap_makes_every_answer_that_long_and_a_mean_past_it_is_refused()
    {
        TokenLengths lengths = TokenLengths.StoppedAtEos(64, 64);
        var random = new RandomStreams(1).For("lengths");
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(64, lengths.Sample(random)));
        Assert.Equal(1.0, TokenLengths.StoppedAtEosShareAtCap(64, 64));

        Assert.Contains("1 <= mean <= the tokens asked for", Assert.Throws<ArgumentException>(() => TokenLengths.StoppedAtEos(64, 65)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => TokenLengths.StoppedAtEos(64, 0.5));
    }
}
