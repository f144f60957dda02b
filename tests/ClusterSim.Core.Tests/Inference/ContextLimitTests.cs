using ClusterSim.Core.Inference;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Inference;

public class ContextLimitTests
{
    /// <summary>Records the lengths of the requests that finished.</summary>
    private sealed class Lengths : IServingObserver
    {
        public List<int> Totals { get; } = [];

        public List<(int Prompt, int Output)> Requests { get; } = [];

        public void OnIterations(int replica, long start, long end, int iterations, int sequences)
        {
        }

        public void OnRequest(int replica, long arrival, long firstToken, long end, int prompt, int output)
        {
            Totals.Add(prompt + output);
            Requests.Add((prompt, output));
        }
    }

    [Theory]
    [InlineData(SchedulerKind.ChunkedPrefill)]
    [InlineData(SchedulerKind.Continuous)]
    public void Requests_longer_than_the_context_are_refused_and_counted_and_the_rest_are_served(SchedulerKind kind)
    {
        // Open arrivals draw the same requests whatever the server does with them, so the run without a limit says which
        // of them are longer than 1,024 tokens (prompt and output): exactly those are refused under the limit.
        const int limit = 1024;
        var all = new Lengths();
        var kept = new Lengths();
        ServingScenario unlimited = ServingScenarios.Poisson(20, 3000, kind) with { Observer = all };
        ServingScenario limited = ServingScenarios.Poisson(20, 3000, kind, deployment: ServingScenarios.Llama8bOnH100 with { MaxModelLength = limit }) with { Observer = kept };

        ServingResult open = new ServingCluster(unlimited).Run();
        ServingResult refused = new ServingCluster(limited).Run();

        int over = all.Totals.Count(t => t > limit);
        Assert.Equal(3000, open.Metrics.Completed);
        Assert.Equal(0, open.Metrics.OverContext);
        Assert.InRange(over, 300, 2700);   // the limit cuts through the lengths drawn, so the test means something
        Assert.Equal(over, refused.Metrics.OverContext);
        Assert.Equal(over, refused.Metrics.Dropped);
        Assert.Equal(3000 - over, refused.Metrics.Completed);
        Assert.All(kept.Totals, t => Assert.True(t <= limit, $"a request of {t} tokens was served past the {limit}-token limit"));
        Assert.True(refused.Conserved);
        Assert.Contains(refused.Scalars(), s => s.Name == "requests_over_context" && s.Value == over);
    }

    [Fact]
    public void The_limit_is_the_model_context_unless_the_server_sets_its_own()
    {
        ServingDeployment llama = ServingScenarios.Llama8bOnH100;
        Assert.Equal(llama.Model.MaxContext, llama.ContextLimit);
        Assert.Equal(8192, (llama with { MaxModelLength = 8192 }).ContextLimit);
        Assert.Throws<ArgumentException>(() => (llama with { MaxModelLength = -1 }).Validated());
    }

    [Theory]
    [InlineData(SchedulerKind.ChunkedPrefill)]
    [InlineData(SchedulerKind.Continuous)]
    public void Without_max_tokens_the_server_cuts_each_answer_at_its_context_and_refuses_only_prompts_that_fill_it(SchedulerKind kind)
    {
        // The same open arrivals with no limit say what each request asks: under a 1,024-token limit and clients that send
        // no max_tokens, a prompt shorter than the limit is served with its answer cut to what the context leaves, a
        // prompt of 1,024 tokens or more is refused, and nothing else changes.
        const int limit = 1024;
        var all = new Lengths();
        var served = new Lengths();
        ServingScenario unlimited = ServingScenarios.Poisson(20, 3000, kind) with { Observer = all };
        ServingScenario capped = ServingScenarios.Poisson(20, 3000, kind, deployment: ServingScenarios.Llama8bOnH100 with { MaxModelLength = limit })
            with { Observer = served, ClientSendsMaxTokens = false };

        new ServingCluster(unlimited).Run();
        ServingResult result = new ServingCluster(capped).Run();

        var expected = all.Requests.Where(r => r.Prompt < limit).Select(r => (r.Prompt, Math.Min(r.Output, limit - r.Prompt))).Order().ToList();
        int cut = all.Requests.Count(r => r.Prompt < limit && r.Prompt + r.Output > limit);
        int refused = all.Requests.Count(r => r.Prompt >= limit);
        Assert.True(cut >= 100 && refused >= 100, $"{cut} cut, {refused} refused");   // the limit cuts through the lengths drawn, so the test means something
        Assert.Equal(expected, served.Requests.Order().ToList());
        Assert.Equal(cut, result.Metrics.CutAtContext);
        Assert.Equal(refused, result.Metrics.OverContext);
        Assert.Equal(refused, result.Metrics.Dropped);
        Assert.True(result.Conserved);
        Assert.Contains(result.Scalars(), s => s.Name == "requests_cut_at_context" && s.Value == cut);
        Assert.DoesNotContain(new ServingCluster(unlimited with { Observer = null }).Run().Scalars(), s => s.Name == "requests_cut_at_context");
    }
}
