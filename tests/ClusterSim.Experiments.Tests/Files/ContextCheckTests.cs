using ClusterSim.Core.Inference.Workload;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;

namespace ClusterSim.Experiments.Tests.Files;

public class ContextCheckTests
{
    private const string Lengths = "prompt_tokens: { kind: lognormal, mean: 300, median: 200, max: 2048 }";

    private static string With(string prompt, string serving = "") =>
        ExperimentLoaderTests.Valid.Replace(Lengths, prompt, StringComparison.Ordinal).Replace("  kv_cache: fp8", "  kv_cache: fp8" + serving, StringComparison.Ordinal);

    [Fact]
    public void A_workload_whose_every_request_is_longer_than_the_context_is_refused_at_its_lengths()
    {
        var error = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(With("prompt_tokens: { kind: fixed, mean: 200000 }"), "exp.yaml"));
        ExperimentProblem problem = Assert.Single(error.Problems);
        Assert.Equal("workload.prompt_tokens", problem.Path);
        Assert.Equal(12, problem.Line);
        Assert.Contains("every request (200,000 prompt tokens and 64 output tokens) is longer than llama-3.1-8b's context of 131,072 tokens", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_workload_that_sends_some_requests_past_the_context_is_warned_with_their_share()
    {
        // Uniform prompts of 1 to 2,000 tokens and 64-token answers under a 1,064-token limit: half the prompts pass it.
        Experiment some = ExperimentLoader.Parse(With("prompt_tokens: { kind: uniform, min: 1, max: 2000 }", "\n  max_model_len: 1064"), "exp.yaml");
        string warning = Assert.Single(some.Calibrations, c => c.Contains("requests_over_context", StringComparison.Ordinal));
        Assert.StartsWith("warning: llama-3.1-8b: of the requests the workload draws, ", warning, StringComparison.Ordinal);
        Assert.Contains("than serving.max_model_len, 1,064 tokens", warning, StringComparison.Ordinal);
        Assert.Equal(1064, some.Points[0].Serving!.Replicas[0].Deployment.ContextLimit);

        // Within the limit, nothing is said.
        Assert.DoesNotContain(ExperimentLoader.Parse(ExperimentLoaderTests.Valid, "exp.yaml").Calibrations, c => c.Contains("requests_over_context", StringComparison.Ordinal));
    }

    [Fact]
    public void The_share_over_the_context_is_the_distributions_own()
    {
        // P(prompt > 1,000) for prompts uniform on 1..2,000 is 1,000/2,000; a lognormal's share is its tail beyond the limit.
        // Each within four standard errors of 100,000 draws.
        Assert.InRange(ContextCheck.OverShare(new LengthSpec("uniform", 0, 0, 1, 1, 2000), new LengthSpec("fixed", 100, 0, 1, 1, 1_000_000), 1100), 0.5 - 0.0064, 0.5 + 0.0064);
        var lognormal = new LengthSpec("lognormal", 60_000, 50_000, 1, 1, 1_000_000);
        double sigma = Math.Sqrt(2 * Math.Log(60_000.0 / 50_000));
        double tail = 1 - MathNet.Numerics.Distributions.Normal.CDF(0, 1, Math.Log(131_072.0 / 50_000) / sigma);
        double error = 4 * Math.Sqrt(tail * (1 - tail) / ContextCheck.Draws);
        Assert.InRange(ContextCheck.OverShare(lognormal, new LengthSpec("fixed", 1, 0, 1, 1, 1_000_000), 131_073), tail - error, tail + error);
        Assert.Equal(0, ContextCheck.OverShare(new LengthSpec("lognormal", 300, 200, 1, 1, 2048), new LengthSpec("fixed", 64, 0, 1, 1, 1_000_000), 131_072));
        Assert.Equal(0.25, ContextCheck.OverShare([new TraceRecord(0, 100, 10), new TraceRecord(1, 4000, 200), new TraceRecord(2, 10, 10), new TraceRecord(3, 1000, 24)], 1024));
    }

    [Fact]
    public void A_cluster_deployment_and_a_choice_candidate_are_held_to_their_own_contexts()
    {
        // The code deployment's prompts (log-normal, up to 16,384) under a 4,096-token limit on its H100 placement.
        string cluster = File.ReadAllText(Shipped("shared-cluster.yaml")).Replace(
            "h100: { tensor_parallel: 1, weights: fp8, kv_cache: fp8 }", "h100: { tensor_parallel: 1, weights: fp8, kv_cache: fp8, max_model_len: 4096 }", StringComparison.Ordinal);
        Experiment shared = ExperimentLoader.Parse(cluster, "shared-cluster.yaml");
        Assert.Contains(shared.Calibrations, c => c.StartsWith("warning: llama-3.1-8b: of the requests the workload draws, ", StringComparison.Ordinal)
            && c.Contains("than cluster.deployments.code.placements.h100.max_model_len, 4,096 tokens", StringComparison.Ordinal)
            && c.EndsWith("in deployment.code.requests_over_context when it is served request by request (among its dropped requests)", StringComparison.Ordinal));

        // A candidate whose context no request of the baseline's traffic fits (140,000-token prompts: the baseline's server
        // takes 200,000, the distilled 8B's its model's 131,072) is refused at the traffic's lengths.
        string choices = File.ReadAllText(Shipped("distill-vs-frontier.yaml"))
            .Replace("prompt_tokens: { kind: lognormal, mean: 1024, median: 512, max: 16384 }", "prompt_tokens: { kind: fixed, mean: 140000 }", StringComparison.Ordinal)
            .Replace("  kv_cache: fp8\n  scheduler: { kind: chunked-prefill, max_sequences: 128", "  kv_cache: fp8\n  max_model_len: 200000\n  scheduler: { kind: chunked-prefill, max_sequences: 128", StringComparison.Ordinal);
        Assert.Contains("max_model_len: 200000", choices, StringComparison.Ordinal);
        var error = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(choices, "distill-vs-frontier.yaml"));
        Assert.Contains(error.Problems, p => p.Path == "workload.prompt_tokens" && p.Message.Contains("set choices.candidates.distilled-8b.serving.max_model_len", StringComparison.Ordinal));
    }

    [Fact]
    public void A_candidate_serves_the_baselines_clients_so_their_answers_are_cut_not_refused_when_they_send_no_max_tokens()
    {
        // 130,000-token prompts and 4,000-token answers pass the distilled 8B's 131,072-token context (not the baseline's
        // 200,000): clients that send max_tokens have them refused, clients that leave it out have them cut there.
        string choices = File.ReadAllText(Shipped("distill-vs-frontier.yaml"))
            .Replace("prompt_tokens: { kind: lognormal, mean: 1024, median: 512, max: 16384 }", "prompt_tokens: { kind: fixed, mean: 130000 }", StringComparison.Ordinal)
            .Replace("output_tokens: { kind: lognormal, mean: 256, median: 160, max: 4096 }", "output_tokens: { kind: fixed, mean: 4000 }", StringComparison.Ordinal)
            .Replace("  kv_cache: fp8\n  scheduler: { kind: chunked-prefill, max_sequences: 128", "  kv_cache: fp8\n  max_model_len: 200000\n  scheduler: { kind: chunked-prefill, max_sequences: 128", StringComparison.Ordinal);
        var refused = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(choices, "distill-vs-frontier.yaml"));
        Assert.Contains(refused.Problems, p => p.Message.Contains("set choices.candidates.distilled-8b.serving.max_model_len", StringComparison.Ordinal));

        Experiment cut = ExperimentLoader.Parse(choices.Replace("output_tokens: { kind: fixed, mean: 4000 }", "output_tokens: { kind: fixed, mean: 4000 }\n  max_tokens: omitted", StringComparison.Ordinal), "distill-vs-frontier.yaml");
        Assert.Contains(cut.Calibrations, c => c.Contains("100% ask for more (prompt and output) than", StringComparison.Ordinal)
            && c.Contains("so the server cuts those answers at the context", StringComparison.Ordinal));
    }

    private static string Shipped(string name) => Path.Combine(ClusterSim.Tests.RepositoryRoot.Path, "experiments", name);

    [Fact]
    public void A_conversation_is_held_to_the_context_as_its_history_grows()
    {
        // Turn k asks 1,000 + 1,000 (k − 1) tokens and answers 500: under a 4,096-token limit turns 1 to 3 are served and
        // turn 4 (4,500) is refused, which ends the conversation: one refused of four sent.
        var fixedLength = (int n) => new LengthSpec("fixed", n, 0, 1, 1, 1_000_000);
        Assert.Equal(0.25, ContextCheck.OverShare(fixedLength(1000), fixedLength(500), new ConversationSpec(10, 5, fixedLength(500)), 4096));
        Assert.Equal(0, ContextCheck.OverShare(fixedLength(1000), fixedLength(500), new ConversationSpec(3, 5, fixedLength(500)), 4096));

        Experiment chat = ExperimentLoader.Parse(
            With("prompt_tokens: { kind: fixed, mean: 1000 }", "\n  max_model_len: 4096").Replace("output_tokens: { kind: fixed, mean: 64 }", "output_tokens: { kind: fixed, mean: 500 }\n  conversation: { turns: 10, think_s: 5, follow_up_tokens: 500 }", StringComparison.Ordinal),
            "exp.yaml");
        Assert.Contains("warning: llama-3.1-8b: of the conversations' turns (each prompt carries the conversation so far), 25% are longer (prompt and output) than serving.max_model_len, 4,096 tokens; the server refuses them, ending their conversations", chat.Calibrations.First(c => c.Contains("conversations' turns", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_limit_past_the_models_context_is_warned()
    {
        Experiment longer = ExperimentLoader.Parse(With(Lengths, "\n  max_model_len: 200000"), "exp.yaml");
        Assert.Contains(longer.Calibrations, c => c.StartsWith("warning: llama-3.1-8b: serving.max_model_len 200,000 is beyond its 131,072-token context", StringComparison.Ordinal));
    }

    [Fact]
    public void Clients_that_send_no_max_tokens_have_their_answers_cut_at_the_context_and_only_prompts_that_fill_it_refused()
    {
        // Uniform prompts of 1 to 2,000 tokens and 64-token answers under a 1,064-token limit: prompts of 1,001 to 1,063
        // tokens get what the context leaves (63 of 2,000: 3.15 %), prompts of 1,064 or more are refused (937: 46.85 %).
        string yaml = With("prompt_tokens: { kind: uniform, min: 1, max: 2000 }\n  max_tokens: omitted", "\n  max_model_len: 1064");
        Experiment capped = ExperimentLoader.Parse(yaml, "exp.yaml");
        string warning = Assert.Single(capped.Calibrations, c => c.Contains("requests_cut_at_context", StringComparison.Ordinal));
        Assert.Matches(@"^warning: llama-3\.1-8b: of the requests the workload draws, 3\.\d+% ask for more \(prompt and output\) than serving\.max_model_len, 1,064 tokens; their clients send no max_tokens, so the server cuts those answers at the context \(counted in requests_cut_at_context\); 4[67]\.\d+% have prompts that fill it, which it refuses, and the results count them in requests_over_context \(among requests_dropped\)$", warning);
        Assert.False(capped.Points[0].Serving!.ClientSendsMaxTokens);
        Assert.Contains("  max_tokens: omitted\n", capped.ResolvedText, StringComparison.Ordinal);
        Assert.DoesNotContain("max_tokens", ExperimentLoader.Parse(ExperimentLoaderTests.Valid, "exp.yaml").ResolvedText, StringComparison.Ordinal);

        PointResult result = ExperimentRunner.Run(capped with { Points = [capped.Points[0]], Replications = 1 }, 1)[0];
        double cut = result.Metric("requests_cut_at_context").Mean, refused = result.Metric("requests_over_context").Mean;
        Assert.InRange(cut, 400 * 0.0315 * 0.3, 400 * 0.0315 * 2.5);
        Assert.InRange(refused, 400 * 0.4685 * 0.8, 400 * 0.4685 * 1.2);
        Assert.Equal(400 - refused, result.Metric("requests_completed").Mean);

        // Every prompt filling the context is refused at its lengths; an unknown mode is refused with the choices.
        var full = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(With("prompt_tokens: { kind: fixed, mean: 200000 }\n  max_tokens: omitted"), "exp.yaml"));
        Assert.Contains(full.Problems, p => p.Path == "workload.prompt_tokens" && p.Message.StartsWith("every prompt (200,000 tokens) fills llama-3.1-8b's context of 131,072 tokens", StringComparison.Ordinal));
        var bogus = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(With(Lengths + "\n  max_tokens: never"), "exp.yaml"));
        Assert.Contains(bogus.Problems, p => p.Path == "workload.max_tokens" && p.Message.Contains("sent", StringComparison.Ordinal) && p.Message.Contains("omitted", StringComparison.Ordinal));
    }
}
