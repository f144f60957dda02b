using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>Sampling the time series observes the run and changes nothing it measures (a capacity search skips it).</summary>
public class SeriesSamplingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(21)]
    [InlineData(34)]
    public void A_run_without_series_measures_the_same_with_fewer_events(int seed)
    {
        ServingScenario scenario = new RandomServingScenario(seed, requests: 300).Scenario;
        var sampledSimulator = new Simulator();
        var quietSimulator = new Simulator();
        ServingResult sampled = new ServingCluster(scenario, sampledSimulator).Run();
        ServingResult quiet = new ServingCluster(scenario with { SampleSeries = false }, quietSimulator).Run();

        Assert.Equal(Figures(sampled), Figures(quiet));
        Assert.All(new[] { quiet.Metrics.QueueLength, quiet.Metrics.KvOccupancy, quiet.Metrics.RunningSequences, quiet.Metrics.TtftP99, quiet.Metrics.TpotP50 }, s => Assert.Empty(s.Values));
        Assert.NotEmpty(sampled.Metrics.QueueLength.Values);
        Assert.True(quietSimulator.EventsFired < sampledSimulator.EventsFired, $"{quietSimulator.EventsFired} events without series, {sampledSimulator.EventsFired} with");
    }

    private static string Figures(ServingResult r)
    {
        ServingMetrics m = r.Metrics;
        return string.Join(' ', new object[]
        {
            m.Completed, m.TimedOut, m.Dropped, m.MeetingSlo, m.OutputTokens, m.PromptTokens,
            BitConverter.DoubleToInt64Bits(m.Ttft.Sum), BitConverter.DoubleToInt64Bits(m.Ttft.Quantile(0.99)),
            BitConverter.DoubleToInt64Bits(m.Tpot.Sum), BitConverter.DoubleToInt64Bits(m.EndToEnd.Quantile(0.5)),
            BitConverter.DoubleToInt64Bits(m.InterToken.Sum), m.InterToken.Count,
            BitConverter.DoubleToInt64Bits(r.DurationSeconds), BitConverter.DoubleToInt64Bits(r.BusyAcceleratorSeconds),
        });
    }
}
