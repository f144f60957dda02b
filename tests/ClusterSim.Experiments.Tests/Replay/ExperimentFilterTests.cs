using ClusterSim.Experiments.Replay;

namespace ClusterSim.Experiments.Tests.Replay;

public class ExperimentFilterTests
{
    [Theory]
    [InlineData("gs-q235-*-4k", "gs-q235-a100-4k", true)]
    [InlineData("gs-q235-*-4k", "gs-q235fp8-a100-4k", false)]   // the dash after q235 is literal
    [InlineData("gs-q235-*-4k", "gs-q235-a100-4k2", false)]     // the whole id must match
    [InlineData("tv-6?", "tv-60", true)]
    [InlineData("tv-6?", "tv-600", false)]
    [InlineData("a.b", "axb", false)]                           // other characters are literal
    [InlineData("tv-17, gs-*", "gs-dsr1-h200-2k", true)]          // any of several, spaces trimmed
    public void Patterns_match_whole_ids_with_star_and_question_mark(string patterns, string experiment, bool kept)
    {
        Assert.Equal(kept, ExperimentFilter.Parse(patterns).Keeps(experiment));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a,,b")]
    public void An_empty_pattern_is_refused_by_name(string patterns)
    {
        var e = Assert.Throws<ArgumentException>(() => ExperimentFilter.Parse(patterns));
        Assert.Contains("empty pattern", e.Message);
    }
}
