using System.Globalization;
using System.Text;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Routing;
using ClusterSim.Core.Inference.TestTime;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Moe;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>
/// A serving scenario drawn from a seed: one of eight deployments (dense, MoE, sliding-window, latent attention, tensor
/// parallel, hybrids with recurrent layers), any scheduler with random limits, KV pressure, prefix caching with or without a
/// host tier, either KV admission policy, async scheduling, one to three replicas under any router, disaggregation beside
/// the request-shaping features, client timeouts and caps, open or closed workloads. The same seed always gives the same scenario; <see cref="Description"/> says what was drawn, so a failing seed
/// reads as a reproduction.
/// </summary>
internal sealed class RandomServingScenario
{
    private static readonly (string Model, string Gpu, int Tp, Precision Weights)[] Deployments =
    [
        ("llama-3.1-8b", "H100-SXM", 1, Precision.FP8),
        ("mixtral-8x7b", "H100-SXM", 2, Precision.BF16),
        ("gemma-3-12b", "H100-SXM", 1, Precision.FP8),
        ("deepseek-v2-lite", "H100-SXM", 1, Precision.BF16),
        ("qwen3-30b-a3b", "A100-80GB", 2, Precision.BF16),
        ("llama-3.1-70b", "H100-SXM", 4, Precision.FP8),
    ];

    private static readonly (string Model, string Gpu, int Tp, Precision Weights)[] Hybrids =
    [
        ("nemotron-3-nano-30b-a3b", "H100-SXM", 1, Precision.FP8),   // Mamba-2 layers and experts
        ("qwen3-next-80b-a3b", "H100-SXM", 4, Precision.FP8),        // Gated DeltaNet layers and experts
    ];

    private static readonly SchedulerKind[] Kinds = Enum.GetValues<SchedulerKind>();
    private static readonly RouterKind[] Routers = Enum.GetValues<RouterKind>();
    private static readonly ServingEngine[] Engines = [ServingEngine.Vllm, ServingEngine.Sglang, ServingEngine.TensorRtLlm];

    private readonly StringBuilder _said = new();

    public RandomServingScenario(int seed, int requests)
    {
        var random = new Random(seed);
        var d = Deployments[random.Next(Deployments.Length)];
        ServingEngine engine = Engines[random.Next(Engines.Length)];
        ServingDeployment deployment = SimCatalog.Default.Deployment(d.Model, d.Gpu, d.Tp, d.Weights, engine: engine);
        if (d.Tp >= 4 && random.NextDouble() < 0.5)
        {
            deployment = deployment with { PipelineParallel = 2 };
        }

        // Hybrids (recurrent state beside attention) from a stream of their own, so earlier seeds keep their other draws.
        var hybrids = new Random(seed ^ 0x4B1D);
        if (hybrids.NextDouble() < 0.15)
        {
            d = Hybrids[hybrids.Next(Hybrids.Length)];
            deployment = SimCatalog.Default.Deployment(d.Model, d.Gpu, d.Tp, d.Weights, engine: engine);
        }

        Say($"seed {seed}: {d.Model} on {d.Tp} x {deployment.PipelineParallel} x {d.Gpu} in {d.Weights} under {engine}");
        // Drawn from a stream of its own, so the seeds drawn before attention data parallelism keep their scenarios.
        var layouts = new Random(seed ^ 0x6A7E);
        if (d.Tp > 1 && deployment.PipelineParallel == 1 && layouts.NextDouble() < 0.4)
        {
            deployment = deployment with { Attention = layouts.NextDouble() < 0.5 ? AttentionLayout.DataParallel : AttentionLayout.BalancedDataParallel };
            Say($"attention {deployment.Attention}");
        }

        bool pressed = random.NextDouble() < 0.4 && !deployment.Model.HasLinearLayers;   // (a hybrid's state per sequence is not a token count to press to)
        int pressTokens = 0;
        if (pressed)
        {
            // KV pressure: keep back memory until the cache holds a few thousand tokens.
            pressTokens = random.NextDouble() < 0.3 ? 5_200 : random.Next(3_000, 12_000);
            deployment = deployment with { MemoryReserve = Pressed(deployment, pressTokens) };
            Say($"memory reserve {deployment.MemoryReserve:F3} ({deployment.KvBlocks} blocks)");
        }

        if (deployment.Model.IsMoE && random.NextDouble() < 0.5)
        {
            var routing = new MoeRoutingOptions
            {
                Popularity = random.NextDouble() < 0.5 ? ExpertPopularity.Zipf : ExpertPopularity.Dirichlet,
                ZipfExponent = 0.5 + random.NextDouble(),
                ExpertParallel = d.Tp > 1 && random.NextDouble() < 0.5 ? d.Tp : 0,
                Dispatch = random.NextDouble() < 0.5 ? ExpertDispatch.AllToAll : ExpertDispatch.AllReduce,
            };
            deployment = deployment with { MoeRouting = routing };
            Say($"experts {routing.Popularity}, EP {routing.ExpertParallel}, {routing.Dispatch}");
            if (pressed && deployment.DispatchesAllToAll)
            {
                // All-to-all puts every dense weight on every attending rank: press again for the same cache.
                deployment = deployment with { MemoryReserve = Pressed(deployment, pressTokens) };
                Say($"memory reserve {deployment.MemoryReserve:F3} ({deployment.KvBlocks} blocks)");
            }
        }

        SchedulerKind kind = Kinds[random.Next(Kinds.Length)];
        int[] sequences = [4, 16, 64, 256];
        int[] budgets = [256, 1024, 4096, 16384];
        var scheduler = new SchedulerOptions
        {
            Kind = kind,
            MaxSequences = sequences[random.Next(sequences.Length)],
            MaxBatchedTokens = budgets[random.Next(budgets.Length)],
            AsyncScheduling = random.NextDouble() < 0.5,
            KvAdmission = random.NextDouble() < 0.25 ? KvAdmissionPolicy.Reserve : KvAdmissionPolicy.Grow,
        };
        PromptSet prompts = default;
        if (random.NextDouble() < 0.4)
        {
            prompts = new PromptSet(random.Next(1, 6), random.Next(2, 30), random.Next(16, 600));
            scheduler = scheduler with { PrefixCaching = true, HostKvBytes = random.NextDouble() < 0.4 ? 2e9 : 0 };
        }

        Say($"{kind}, {scheduler.MaxSequences} sequences, {scheduler.MaxBatchedTokens} tokens a step, {(scheduler.AsyncScheduling ? "async" : "sync")}, {scheduler.KvAdmission}"
            + (scheduler.PrefixCaching ? $", prefix caching of {prompts.SystemPrompts} prompts of {prompts.SystemTokens} tokens{(scheduler.HostKvBytes > 0 ? " with a host tier" : string.Empty)}" : string.Empty));

        int replicas = random.Next(1, 4);
        RouterKind router = Routers[random.Next(Routers.Length)];
        Disaggregation? disaggregation = replicas >= 2 && random.NextDouble() < 0.25 ? new Disaggregation(1, 50) : null;
        if (disaggregation is not null && new Random(seed ^ 0xC0D) is var conditions && conditions.NextDouble() < 0.5)
        {
            // Conditional: short (or cached) prompts, or any while the prefill queue is long, prefill on the decode replica.
            disaggregation = disaggregation with { MaxLocalPrefillTokens = conditions.Next(0, 2000), MaxPrefillQueue = conditions.NextDouble() < 0.5 ? conditions.Next(1, 8) : null };
            // TensorRT-LLM's rule on a third of the thresholds (drawn last: the draws before it stay the seed's).
            disaggregation = disaggregation with { LocalNeedsCacheHit = disaggregation.MaxLocalPrefillTokens > 0 && conditions.NextDouble() < 0.33 };
        }

        Say($"{replicas} replica(s), {router}{(disaggregation is null ? string.Empty : $", prefill on one{(disaggregation.IsConditional ? $" unless at most {disaggregation.MaxLocalPrefillTokens} tokens are left{(disaggregation.LocalNeedsCacheHit ? " of a cached start" : string.Empty)} or {disaggregation.MaxPrefillQueue} wait" : string.Empty)}")}");

        double meanPrompt = random.Next(40, 3000), meanOutput = random.Next(4, 600);
        var promptLengths = TokenLengths.LogNormalFromMeanMedian(meanPrompt, meanPrompt * 0.7, 4 * (int)meanPrompt + 16);
        var outputLengths = TokenLengths.LogNormalFromMeanMedian(meanOutput, meanOutput * 0.7, 4 * (int)meanOutput + 4);
        bool closed = random.NextDouble() < 0.3;
        int users = random.Next(1, 64);
        double rate = Math.Round(0.5 + (random.NextDouble() * 40), 2);
        Say(closed ? $"closed loop of {users} users" : $"Poisson at {rate} req/s" + $", prompts of {meanPrompt} and outputs of {meanOutput} tokens on average");

        ArrivalProcess arrivals = random.Next(4) switch
        {
            0 => ArrivalProcess.Gamma(rate, 0.3 + (2 * random.NextDouble())),
            1 => ArrivalProcess.Constant(rate),
            _ => ArrivalProcess.Poisson(rate),
        };

        // At most one of the request-shaping features: test-time compute, a response cache, conversations, speculation.
        TestTimeOptions? testTime = null;
        ResponseCacheOptions? responseCache = null;
        ConversationOptions? conversations = null;
        QueryPopularity? queries = null;
        switch (random.Next(8))
        {
            case 0:
                testTime = new TestTimeOptions
                {
                    Policy = Policies[random.Next(Policies.Length)],
                    Samples = random.Next(2, 6),
                    ThinkingTokens = TokenLengths.LogNormalFromMeanMedian(300, 200, 2000),
                    ThinkingScale = random.Next(200, 2000),
                };
                Say($"test-time {testTime.Policy} with {testTime.Samples} samples");
                break;
            case 1 when !closed:
                responseCache = new ResponseCacheOptions { Entries = random.Next(5, 200), TtlSeconds = 1 + (random.NextDouble() * 30) };
                queries = new QueryPopularity(random.Next(10, 400), 0.5 + random.NextDouble());
                Say($"response cache of {responseCache.Entries} entries for {responseCache.TtlSeconds:F1} s");
                break;
            case 2 when !closed:
                conversations = new ConversationOptions { Turns = random.Next(2, 5), ThinkSeconds = random.NextDouble() * 5, FollowUp = TokenLengths.LogNormalFromMeanMedian(60, 40, 400) };
                Say($"conversations of {conversations.Turns} turns");
                break;
            case 3 when !pressed:   // the drafter's weights would not fit a pressed cache
                // The method from a stream of its own (EAGLE, as every seed drew before; n-gram lookup; a draft model).
                var methods = new Random(seed ^ 0x5EC);
                SpeculativeMethod method = methods.NextDouble() < 0.5 ? SpeculativeMethod.Eagle : methods.NextDouble() < 0.5 ? SpeculativeMethod.Ngram : SpeculativeMethod.Draft;
                method = method == SpeculativeMethod.Draft && !d.Model.StartsWith("llama", StringComparison.Ordinal) ? SpeculativeMethod.Ngram : method;   // a draft shares its target's vocabulary
                deployment = deployment with
                {
                    Speculative = new SpeculativeDecoding
                    {
                        Method = method,
                        Tokens = random.Next(1, 5),
                        Acceptance = 0.4 + (0.5 * random.NextDouble()),
                        DraftModel = method == SpeculativeMethod.Draft ? SimCatalog.Default.Models.Get("llama-3.2-1b") : null,
                        DisableAboveBatch = methods.NextDouble() < 0.3 ? methods.Next(2, 64) : 0,
                    },
                };
                Say($"speculating {deployment.Speculative.Tokens} tokens by {method}{(deployment.Speculative.DisableAboveBatch > 0 ? $" up to {deployment.Speculative.DisableAboveBatch} sequences" : string.Empty)}");
                break;
        }

        double timeout = random.NextDouble() < 0.2 ? 2 + (random.NextDouble() * 20) : double.PositiveInfinity;
        bool oneAnAnswer = testTime is null && conversations is null;   // a capped client sends one request an answer
        int cap = !closed && oneAnAnswer && random.NextDouble() < 0.2 ? random.Next(2, 40) : 0;
        if (!double.IsInfinity(timeout) || cap > 0)
        {
            Say($"client timeout {timeout:F1} s, concurrency cap {cap}");
        }

        int seriesPoints = random.NextDouble() < 0.3 ? random.Next(2, 12) : 0;
        double warmup = random.NextDouble() < 0.2 ? random.NextDouble() * 10 : 0;
        Say($"series of {(seriesPoints == 0 ? "any number of" : seriesPoints.ToString(CultureInfo.InvariantCulture))} points, warm-up {warmup:F1} s");

        // Drawn last, so the draws above (and what each earlier seed tested) stay as they were.
        RequestClass[] classes = [];
        if (random.NextDouble() < 0.4)
        {
            double[] weights = [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => 0.1 + random.NextDouble())];
            double[] shares = [.. weights.Select(w => w / weights.Sum())];
            shares[^1] = 1 - shares[..^1].Sum();
            classes = [.. shares.Select((share, c) => new RequestClass($"c{c}", share, random.Next(-2, 3)))];
            scheduler = scheduler with { Policy = random.NextDouble() < 0.75 ? SchedulingPolicy.Priority : SchedulingPolicy.Fcfs };
            Say($"{scheduler.Policy} over classes {string.Join(", ", classes.Select(c => $"{c.Name} ({c.Share:F2}, priority {c.Priority})"))}");
        }

        // SGLang's reads of new requests every few decode steps on a fifth of the seeds (a stream of its own, so every other
        // draw is the seed's as before).
        if (new Random(seed ^ 0x5EC7) is var reads && reads.NextDouble() < 0.2)
        {
            scheduler = scheduler with { ReceiveInterval = reads.Next(2, 40) };
            Say($"new requests read every {scheduler.ReceiveInterval} decode steps");
        }

        Scenario = new ServingScenario
        {
            Replicas = [new ReplicaGroup(deployment, scheduler, replicas)],
            Router = router,
            Disaggregation = disaggregation,
            Workload = streams => closed
                ? RequestSource.ClosedLoop(users, 50_000_000, promptLengths, outputLengths, streams, ThinkTime.Exponential, prompts: prompts)
                : RequestSource.Open(arrivals, promptLengths, outputLengths, streams, prompts, queries),
            MaxRequests = requests,
            ClientTimeoutSeconds = timeout,
            ClientConcurrencyCap = cap,
            TestTime = testTime,
            ResponseCache = responseCache,
            Conversations = conversations,
            Classes = classes,
            SeriesIntervalSeconds = 0.5 + (random.NextDouble() * 3),
            SeriesMaxPoints = seriesPoints,
            WarmupSeconds = warmup,
            Seed = seed,
        };
    }

    private static readonly TestTimePolicy[] Policies = Enum.GetValues<TestTimePolicy>();

    /// <summary>The drawn scenario, macro-stepping on.</summary>
    public ServingScenario Scenario { get; }

    /// <summary>What was drawn, for a failure message.</summary>
    public string Description => _said.ToString();

    private void Say(string text) => _said.Append(_said.Length == 0 ? string.Empty : "; ").Append(text);

    /// <summary>The memory reserve that leaves about <paramref name="tokens"/> tokens of KV cache (never less than the 4,096 one sequence needs).</summary>
    private static double Pressed(ServingDeployment deployment, int tokens)
    {
        double kvBytes = Math.Max(tokens, 4096 + 1024) * deployment.KvBytesPerToken;
        double perDevice = ((deployment.WeightBytes + kvBytes) / deployment.Accelerators) + deployment.RuntimeBytesPerAccelerator;
        double reserve = 1 - (perDevice / deployment.Accelerator.MemoryBytes);
        return Math.Clamp(Math.Round(reserve, 3, MidpointRounding.ToZero), 0, 0.95);
    }

    public override string ToString() => Description.ToString(CultureInfo.InvariantCulture);
}
