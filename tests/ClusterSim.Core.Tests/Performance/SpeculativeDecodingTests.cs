using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

public class SpeculativeDecodingTests
{
    private static SpeculativeDecoding Spec(SpeculativeMethod method, int k, double alpha, string? draft = null) => new()
    {
        Method = method, Tokens = k, Acceptance = alpha, DraftModel = draft is null ? null : SimCatalog.Default.Models.Get(draft),
    };

    private static ServingDeployment Llama8b(SpeculativeDecoding? spec) =>
        SimCatalog.Default.Deployment("llama-3.1-8b", "H100-SXM") with { Speculative = spec };

    [Theory]
    [InlineData(0.0, 3, 1.0)]
    [InlineData(0.5, 3, 1.875)]   // 1 + ½ + ¼ + ⅛
    [InlineData(0.8, 4, 3.3616)]  // (1 − 0.8⁵) / 0.2
    [InlineData(1.0, 5, 6.0)]
    public void A_step_yields_the_expected_accepted_run_plus_one(double alpha, int k, double tau)
    {
        SpeculativeDecoding spec = Spec(SpeculativeMethod.Ngram, k, alpha);
        Assert.Equal(tau, spec.TokensPerStep, 12);

        // The schedule emits the expectation exactly: after J steps, ⌊J·τ⌋ tokens, each step between ⌊τ⌋ and ⌈τ⌉.
        long total = 0;
        for (long j = 0; j < 10_000; j++)
        {
            int t = spec.TokensAt(j);
            Assert.InRange(t, (int)Math.Floor(tau), (int)Math.Ceiling(tau));
            total += t;
        }

        Assert.Equal((long)Math.Floor(10_000 * tau), total);
    }

    [Fact]
    public void Bad_options_name_the_field()
    {
        Assert.Contains("tokens must be in [1, 15]", Assert.Throws<ArgumentException>(() => Spec(SpeculativeMethod.Ngram, 16, 0.5).Validated()).Message, StringComparison.Ordinal);
        Assert.Contains("acceptance must be in [0, 1]", Assert.Throws<ArgumentException>(() => Spec(SpeculativeMethod.Ngram, 3, 1.5).Validated()).Message, StringComparison.Ordinal);
        Assert.Contains("needs a draft_model", Assert.Throws<ArgumentException>(() => Spec(SpeculativeMethod.Draft, 3, 0.5).Validated()).Message, StringComparison.Ordinal);
        Assert.Contains("takes no draft_model", Assert.Throws<ArgumentException>(() => Spec(SpeculativeMethod.Eagle, 3, 0.5, "llama-3.2-1b").Validated()).Message, StringComparison.Ordinal);
        Assert.Contains("must share the target's tokenizer", Assert.Throws<ArgumentException>(() => Llama8b(Spec(SpeculativeMethod.Draft, 3, 0.5, "qwen3-0.6b")).Validated()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verification_adds_k_tokens_and_logits_per_decoder_and_the_drafter_runs_k_times()
    {
        BatchShape plain = BatchShape.Decode(32, 32 * 1000.0);
        Assert.Equal(plain, new StepTimeModel(Llama8b(null)).Speculate(plain, 32, 32 * 1000.0));

        BatchShape lookup = new StepTimeModel(Llama8b(Spec(SpeculativeMethod.Ngram, 3, 0.7))).Speculate(plain, 32, 32 * 1000.0);
        Assert.Equal(32 * 4, lookup.NewTokens);
        Assert.Equal(32 * 4, lookup.LogitTokens);
        Assert.Equal((32 * 1000.0 * 4) + (32 * 6), lookup.AttentionContext);   // positions 1000…1003 after each context
        Assert.Equal(plain.KvTokensRead, lookup.KvTokensRead);
        Assert.Equal(0, lookup.DraftSeconds);

        // A draft model's k decode steps, each pass paying vLLM's per-step host cost (its proposer steps the drafter from
        // Python) but no sequence costs; a draft head's are one layer's and the LM head's.
        var withDraft = new StepTimeModel(Llama8b(Spec(SpeculativeMethod.Draft, 3, 0.7, "llama-3.2-1b")));
        IterationTerms small = new StepTimeModel(SimCatalog.Default.Deployment("llama-3.2-1b", "H100-SXM")).Terms(plain);
        double pass = Llama8b(null).Efficiency.IterationOverheadSeconds;
        Assert.Equal(3 * (small.DenseGemm + small.ExpertGemm + small.Attention + small.Collectives + pass), withDraft.Speculate(plain, 32, 32 * 1000.0).DraftSeconds, 12);

        double head = new StepTimeModel(Llama8b(Spec(SpeculativeMethod.Eagle, 3, 0.7))).Speculate(plain, 32, 32 * 1000.0).DraftSeconds;
        IterationTerms target = new StepTimeModel(Llama8b(null)).Terms(plain);
        Assert.InRange(head - (3 * pass), 3 * target.DenseGemm / 32, 3 * (target.DenseGemm + target.Attention) / 4);

        // SGLang and TensorRT-LLM run the draft loop without the host between passes: the GEMMs alone.
        foreach (ServingEngine engine in new[] { ServingEngine.Sglang, ServingEngine.TensorRtLlm })
        {
            double inLoop = new StepTimeModel(Llama8b(Spec(SpeculativeMethod.Draft, 3, 0.7, "llama-3.2-1b")) with { Engine = engine }).Speculate(plain, 32, 32 * 1000.0).DraftSeconds;
            Assert.Equal(3 * (small.DenseGemm + small.ExpertGemm + small.Attention + small.Collectives), inLoop, 12);
        }
    }

    [Theory]
    [InlineData(SpeculativeMethod.Eagle, null)]
    [InlineData(SpeculativeMethod.Draft, "llama-3.2-1b")]
    public void With_pipeline_stages_the_drafter_runs_on_one_of_them(SpeculativeMethod method, string? draft)
    {
        // Found by ServingSoakTests: the drafter inherited the target's two stages, and a one-layer head "exceeded" them.
        ServingDeployment staged = SimCatalog.Default.Deployment("llama-3.1-70b", "H100-SXM", 4, Precision.FP8) with { PipelineParallel = 2 };
        ServingDeployment oneStage = SimCatalog.Default.Deployment("llama-3.1-70b", "H100-SXM", 4, Precision.FP8);
        BatchShape plain = BatchShape.Decode(16, 16 * 1000.0);
        double drafted = new StepTimeModel(staged with { Speculative = Spec(method, 3, 0.7, draft) }).Speculate(plain, 16, 16 * 1000.0).DraftSeconds;
        Assert.Equal(new StepTimeModel(oneStage with { Speculative = Spec(method, 3, 0.7, draft) }).Speculate(plain, 16, 16 * 1000.0).DraftSeconds, drafted, 12);
        Assert.True(drafted > 0);
    }

    [Fact]
    public void The_drafter_weights_count_against_KV_memory()
    {
        Assert.True(Llama8b(Spec(SpeculativeMethod.Draft, 3, 0.7, "llama-3.2-1b")).KvBlocks < Llama8b(null).KvBlocks);
        Assert.Equal(Llama8b(null).KvBlocks, Llama8b(Spec(SpeculativeMethod.Ngram, 3, 0.7)).KvBlocks);
    }

    private static ServingResult OneUser(ServingDeployment deployment) => new ServingCluster(new ServingScenario
    {
        Replicas = [new ReplicaGroup(deployment, new SchedulerOptions { Kind = SchedulerKind.ChunkedPrefill, MaxSequences = 8, MaxBatchedTokens = 8192 })],
        Workload = s => RequestSource.ClosedLoop(1, 0, TokenLengths.Fixed(500), TokenLengths.Fixed(1001), s),
        MaxRequests = 4,
    }).Run();

    [Fact]
    public void One_user_decodes_a_step_per_tau_tokens()
    {
        // One sequence, 1,000 tokens after its first: the time per output token is the speculative step's over τ.
        var spec = Spec(SpeculativeMethod.Eagle, 3, 0.8);
        var model = new StepTimeModel(Llama8b(spec));
        double step = model.Iteration(model.Speculate(BatchShape.Decode(1, 1000), 1, 1000)).Nanos / 1e9;
        double tpot = OneUser(Llama8b(spec)).Metrics.Tpot.Mean;
        Assert.Equal(step / spec.TokensPerStep, tpot, step / spec.TokensPerStep * 0.03);   // contexts grow 500 → 1,500 around the 1,000 used

        // Nothing accepted: every step yields one token and costs more than a plain one.
        double plain = OneUser(Llama8b(null)).Metrics.Tpot.Mean;
        Assert.True(OneUser(Llama8b(Spec(SpeculativeMethod.Eagle, 3, 0.0))).Metrics.Tpot.Mean > plain);
        // At 80 % acceptance a step yields 2.95 tokens; its three draft passes each pay vLLM's host cost a step (1.2 ms), so
        // a token takes some 0.6 of a plain step's time (0.47 before that cost, measured on inference-perf's EAGLE3 sweep).
        Assert.True(tpot < plain * 0.65, $"{tpot} against {plain}");
    }

    private static ServingResult Users(ServingDeployment deployment, int users) => new ServingCluster(new ServingScenario
    {
        Replicas = [new ReplicaGroup(deployment, new SchedulerOptions { Kind = SchedulerKind.ChunkedPrefill, MaxSequences = 64, MaxBatchedTokens = 8192 })],
        Workload = s => RequestSource.ClosedLoop(users, 0, TokenLengths.Fixed(500), TokenLengths.Fixed(301), s),
        MaxRequests = users * 10,
    }).Run();

    [Fact]
    public void Above_its_batch_limit_a_replica_decodes_as_without_speculation()
    {
        var capped = Spec(SpeculativeMethod.Eagle, 3, 0.8) with { DisableAboveBatch = 4 };
        double plain = Users(Llama8b(null), 16).Metrics.Tpot.Mean;
        double always = Users(Llama8b(Spec(SpeculativeMethod.Eagle, 3, 0.8)), 16).Metrics.Tpot.Mean;
        double limited = Users(Llama8b(capped), 16).Metrics.Tpot.Mean;
        Assert.True(always < plain * 0.6, $"{always} against {plain}");
        Assert.Equal(plain, limited, plain * 0.02);   // sixteen users: only the last few steps of the run speculate

        // One user is under the limit: it speculates as before.
        Assert.Equal(OneUser(Llama8b(Spec(SpeculativeMethod.Eagle, 3, 0.8))).Metrics.Tpot.Mean, OneUser(Llama8b(capped)).Metrics.Tpot.Mean);
        Assert.Contains("disable_above_batch must be at least 0", Assert.Throws<ArgumentException>(() => (capped with { DisableAboveBatch = -1 }).Validated()).Message, StringComparison.Ordinal);
    }
}
