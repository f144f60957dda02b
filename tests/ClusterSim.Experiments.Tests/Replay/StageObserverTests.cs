using ClusterSim.Experiments.Replay;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>The replay's per-stage collector: means and tails over the requests that arrived in each stage.</summary>
public class StageObserverTests
{
    [Fact]
    public void Means_and_tails_cover_the_requests_of_the_stages_asked_for()
    {
        // Two stages of 1,000 requests each: TTFT 1..1,000 ms in the first, 1,001..2,000 ms in the second, every request
        // 100 ms longer end to end; one request past the client's timeout is not counted.
        const long ms = 1_000_000;
        var observer = new StageObserver([1_000_000 * ms, long.MaxValue], scoredOutput: 11, timeoutNanos: 10_000 * ms);
        for (int i = 1; i <= 2000; i++)
        {
            long arrival = i <= 1000 ? 0 : 1_000_000 * ms;
            observer.OnRequest(0, arrival, arrival + (i * ms), arrival + ((i + 100) * ms), 100, 11);
        }

        observer.OnRequest(0, 0, ms, 20_000 * ms, 100, 11);

        SimulatedStage first = observer.Summary(0, 0, 1);
        Assert.Equal(1000, first.Requests);
        Assert.Equal(500.5, first.TtftMs, 9);
        Assert.Equal(600.5, first.E2eMs, 9);
        Assert.Equal(10.0, first.ItlMs, 9);   // (600.5 − 500.5) / (11 − 1)
        Assert.Equal(900, first.TtftP90Ms, 900 * 0.01);   // the sketch's relative error, with a rank's slack
        Assert.Equal(990, first.TtftP99Ms, 990 * 0.01);
        Assert.Equal(1090, first.E2eP99Ms, 1090 * 0.01);

        SimulatedStage both = observer.Summary(0, 1, 1);
        Assert.Equal(2000, both.Requests);
        Assert.Equal(1800, both.TtftP90Ms, 1800 * 0.01);
        Assert.Equal(1900, both.E2eP90Ms, 1900 * 0.01);
    }

    [Fact]
    public void A_stage_without_requests_has_no_tails()
    {
        var observer = new StageObserver([long.MaxValue], scoredOutput: 10, timeoutNanos: long.MaxValue);
        SimulatedStage empty = observer.Summary(0, 0, 1);
        Assert.Equal(0, empty.Requests);
        Assert.True(double.IsNaN(empty.TtftP90Ms));
    }

    [Fact]
    public void Requests_of_recorded_lengths_score_ITL_per_request_as_the_benchmark_clients_do()
    {
        // vLLM's and SGLang's clients average each request's (E2E − TTFT) / (output − 1) over requests of more than one
        // token: 10 ms over 1 gap and 20 ms over 10 gaps give (10 + 2) / 2 = 6 ms, where the means would give
        // (30 / 3) / (scored − 1). A one-token request counts in TTFT and E2E but has no gap.
        const long ms = 1_000_000;
        var observer = new StageObserver([long.MaxValue], scoredOutput: 5, timeoutNanos: long.MaxValue, perRequestTpot: true);
        observer.OnRequest(0, 0, 40 * ms, 50 * ms, 100, 2);
        observer.OnRequest(0, 0, 40 * ms, 60 * ms, 100, 11);
        observer.OnRequest(0, 0, 40 * ms, 40 * ms, 100, 1);

        SimulatedStage stage = observer.Summary(0, 0, 1);
        Assert.Equal(6.0, stage.ItlMs, 12);
        Assert.Equal(40.0, stage.TtftMs, 12);
        Assert.Equal(50.0, stage.E2eMs, 12);

        var byMeans = new StageObserver([long.MaxValue], scoredOutput: 5, timeoutNanos: long.MaxValue);
        byMeans.OnRequest(0, 0, 40 * ms, 50 * ms, 100, 2);
        byMeans.OnRequest(0, 0, 40 * ms, 60 * ms, 100, 11);
        byMeans.OnRequest(0, 0, 40 * ms, 40 * ms, 100, 1);
        Assert.Equal(2.5, byMeans.Summary(0, 0, 1).ItlMs, 12);   // (50 − 40) / (5 − 1)
    }
}
