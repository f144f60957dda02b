using System.Globalization;
using System.Text;
using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary>
/// Serving experiment files written from a seed with well-formed values across the catalogs: any model on any accelerator,
/// tensor and pipeline parallelism, every number format, engine, release, scheduler, router and sampling, speculation,
/// expert routing, a memory reserve, open or closed workloads. What <c>validate</c> accepts must run to the end; what it
/// refuses must say why at a line. (<see cref="RunFuzzTests"/> damages text; this one combines valid values, which is
/// where a file passes validation and then fails inside a run.) <c>CLUSTERSIM_SOAK=N</c> adds N more seeds.
/// </summary>
[Collection(WallClockBound.Name)]
public class ServingFileSoakTests
{
    private static readonly string[] Engines = ["vllm", "sglang", "tensorrt-llm"];
    private static readonly string[] Formats = ["bf16", "fp8", "int8", "int4", "fp4"];
    private static readonly string[] Kinds = ["continuous", "chunked-prefill", "whole-prompts", "static", "prefill-first"];
    private static readonly string[] Routers = ["round-robin", "random", "least-outstanding", "power-of-two", "kv-aware", "prefix-affinity", "vllm-dp"];
    private static readonly string[] Samplings = ["temperature", "greedy", "top-p", "top-k", "model-default"];
    private static readonly string[] Versions = ["0.8.5", "0.11.0", "0.15.1", "0.19.0", "0.5.12", "1.0.0", "0.10.0", "0.5.9"];

    public static TheoryData<int> Seeds() => FileSoak.Seeds(40);

    [Fact]
    public void Most_drawn_files_are_valid() =>
        Assert.InRange(FileSoak.Valid(File, 200), 100, 190);   // and some refused, so the refusals are exercised too

    [Fact]
    public void Some_valid_files_replicate_sequentially()
    {
        int sequential = 0;
        for (int seed = 1; seed <= 200; seed++)
        {
            try
            {
                sequential += ExperimentLoader.Parse(File(seed), $"soak-{seed}.yaml").Until is null ? 0 : 1;
            }
            catch (ExperimentException)
            {
            }
        }

        Assert.InRange(sequential, 10, 60);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_file_that_validates_runs(int seed)
    {
        if (await FileSoak.Run(File(seed), seed, 60, sloMayBeUnmeetable: true) is not { } run)
        {
            return;
        }

        foreach (PointResult point in run.Results)
        {
            if (point.Point.Serving!.WarmupAuto)
            {
                // The warm-up chosen is within the run's first half (MSER-5 looks no further), or NaN: too short to judge.
                double warmup = point.Metric("warmup_s").Mean;
                Assert.True(double.IsNaN(warmup) || (warmup >= 0 && warmup <= (point.Metric("duration_s").Mean / 2) + 1e-9), $"warmup_s {warmup}\n{File(seed)}");
            }

            Assert.True(point.Metric("duration_s").Mean > 0 && point.Metric("iterations").Mean > 0, File(seed));
            foreach (string share in new[] { "utilisation", "slo_attainment", "compute_bound_share" })
            {
                Assert.InRange(point.Metric(share).Mean, 0, 1 + 1e-9);
            }
        }
    }

    /// <summary>The serving experiment of <paramref name="seed"/>, as YAML.</summary>
    internal static string File(int seed)
    {
        var random = new Random(seed);
        SimCatalog catalog = SimCatalog.Default;
        string[] models = [.. catalog.Models.All.Select(m => m.Id)];
        string[] chips = [.. catalog.Hardware.All.Select(h => h.Id)];
        string Pick(string[] from) => from[random.Next(from.Length)];
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

        var y = new StringBuilder();
        y.AppendLine(CultureInfo.InvariantCulture, $"name: soak-{seed}");
        y.AppendLine(CultureInfo.InvariantCulture, $"seed: {seed}");
        var rules = new Random(~seed);   // its own draws, so the rest of the file is the one this seed always drew
        if (rules.NextDouble() < 0.2)
        {
            // Sequential replications, now and then with a metric serving does not report (refused when the runs begin).
            string metric = rules.NextDouble() < 0.05 ? "wall_days" : new[] { "ttft_p99_s", "e2e_mean_s", "throughput_output_tok_s", "requests_per_s", "tpot_p50_s" }[rules.Next(5)];
            y.AppendLine(CultureInfo.InvariantCulture, $"replications: {{ min: {rules.Next(2, 4)}, max: {rules.Next(2, 6)}, metric: {metric}, relative_half_width: {F(0.005 + (rules.NextDouble() * 0.3))} }}");
        }

        y.AppendLine("serving:");
        string model = Pick(models);
        y.AppendLine(CultureInfo.InvariantCulture, $"  model: {model}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  hardware: {(random.NextDouble() < 0.6 ? Pick(["H100-SXM", "H200", "A100-80GB", "L40S", "B200", "MI300X"]) : Pick(chips))}");
        string engine = Pick(Engines);
        y.AppendLine(CultureInfo.InvariantCulture, $"  engine: {engine}");
        if (random.NextDouble() < 0.3)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  engine_version: \"{Pick(Versions)}\"");
        }

        string weights = Pick(Formats);
        y.AppendLine(CultureInfo.InvariantCulture, $"  weights: {weights}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  kv_cache: {(random.NextDouble() < 0.5 ? weights : Pick(["bf16", "fp8"]))}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  tensor_parallel: {Pick(["1", "1", "2", "4", "8"])}");
        if (random.NextDouble() < 0.2)
        {
            y.AppendLine("  pipeline_parallel: 2");
        }

        int replicas = random.Next(1, 4);
        y.AppendLine(CultureInfo.InvariantCulture, $"  replicas: {replicas}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  router: {Pick(Routers)}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  sampling: {Pick(Samplings)}");
        bool caching = random.NextDouble() < 0.3;
        y.AppendLine(CultureInfo.InvariantCulture,
            $"  scheduler: {{ kind: {Pick(Kinds)}, max_sequences: {Pick(["8", "64", "256"])}, max_batched_tokens: {Pick(["512", "2048", "8192"])}, prefix_caching: {(caching ? "true" : "false")}, kv_offload_gib: {(caching && random.NextDouble() < 0.5 ? "4" : "0")}, kv_admission: {Pick(["grow", "reserve"])}, async_scheduling: {(random.NextDouble() < 0.5 ? "true" : "false")}, policy: {Pick(["fcfs", "priority"])}{ReceiveInterval(seed, engine)} }}");
        if (random.NextDouble() < 0.25)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  memory_reserve: {F(0.05 + (0.4 * random.NextDouble()))}");
        }

        if (random.NextDouble() < 0.2)
        {
            y.AppendLine(random.NextDouble() < 0.5
                ? $"  speculative: {{ method: {Pick(["eagle", "mtp", "ngram"])}, tokens: {random.Next(1, 5)}, acceptance: {F(random.NextDouble())} }}"
                : $"  speculative: {{ method: draft, draft_model: {Pick(["llama-3.2-1b", "qwen3-0.6b", "qwen2.5-0.5b"])}, tokens: 3, acceptance: 0.6 }}");
        }

        if (catalog.Models.Get(model).IsMoE && random.NextDouble() < 0.6)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  moe: {{ popularity: {Pick(["uniform", "zipf", "dirichlet"])}, zipf_s: {F(random.NextDouble() * 2)}, expert_parallel: {Pick(["0", "0", "2", "8"])}, dispatch: {Pick(["all-to-all", "all-reduce"])} }}");
        }

        // A split deployment and what shapes the requests beside it — test-time compute, conversations, a response cache —
        // from a stream of their own, so the rest of the file is the one this seed always drew.
        var shaping = new Random(seed ^ 0x5A1);
        if (replicas >= 2 && shaping.NextDouble() < 0.3)
        {
            // Conditional (its own stream, so the draws after it stay the seed's): a length threshold, a queue cap, or both.
            var conditions = new Random(seed ^ 0xC0D);
            string conditional = conditions.Next(4) switch
            {
                0 => $", max_local_prefill: {conditions.Next(0, 3000)}",
                1 => $", max_prefill_queue: {conditions.Next(0, 6)}",
                2 => $", max_local_prefill: {conditions.Next(0, 3000)}, max_prefill_queue: {conditions.Next(1, 6)}",
                _ => string.Empty,
            };
            if (!conditional.Contains("max_local_prefill: 0,", StringComparison.Ordinal) && !conditional.EndsWith("max_local_prefill: 0", StringComparison.Ordinal)
                && conditional.Contains("max_local_prefill", StringComparison.Ordinal) && conditions.NextDouble() < 0.33)
            {
                conditional += ", local_needs_cache_hit: true";   // TensorRT-LLM's rule, on a threshold
            }

            y.AppendLine(CultureInfo.InvariantCulture, $"  disaggregation: {{ prefill_replicas: {shaping.Next(1, replicas)}, kv_link_gb_s: 25{conditional} }}");
        }

        if (shaping.NextDouble() < 0.15)
        {
            y.AppendLine("  response_cache: { entries: 100, ttl_s: 600, lookup_ms: 5 }");
        }

        string conversation = shaping.NextDouble() < 0.15 ? "  conversation: { turns: 2, think_s: 1, follow_up_tokens: { kind: fixed, mean: 50 } }" : string.Empty;
        if (conversation.Length == 0 && shaping.NextDouble() < 0.15)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"test_time: {{ policy: {new[] { "single", "best-of-n", "vote", "reasoning", "adaptive" }[shaping.Next(5)]}, samples: {shaping.Next(2, 5)}, thinking_tokens: {{ kind: lognormal, mean: 300, median: 200, max: 2000 }} }}");
        }

        y.AppendLine("workload:");
        if (conversation.Length > 0)
        {
            y.AppendLine(conversation);
        }

        if (rules.NextDouble() < 0.2)
        {
            y.AppendLine(rules.NextDouble() < 0.5 ? "  warmup_s: auto" : $"  warmup_s: {F(rules.NextDouble() * 30)}");
        }

        y.AppendLine(random.NextDouble() < 0.3
            ? $"  arrival: {{ kind: closed-loop, concurrency: {random.Next(1, 40)}, think_s: {F(random.NextDouble())} }}"
            : $"  arrival: {{ kind: {Pick(["poisson", "gamma", "constant"])}, rate: {F(0.2 + (random.NextDouble() * 30))}{(random.NextDouble() < 0.2 ? $", max_in_flight: {random.Next(1, 20)}" : string.Empty)} }}");
        int prompt = random.Next(16, 6000), output = random.Next(2, 800);
        y.AppendLine(CultureInfo.InvariantCulture, $"  prompt_tokens: {{ kind: lognormal, mean: {prompt}, median: {prompt * 2 / 3 + 1}, max: {4 * prompt} }}");
        var stops = new Random(seed ^ 0xE05);   // answers stopped at EOS, from a stream of their own
        if (stops.NextDouble() < 0.2)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  output_tokens: {{ kind: eos, mean: {output}, max: {output + stops.Next(0, 2 * output)} }}");
        }
        else
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  output_tokens: {{ kind: lognormal, mean: {output}, median: {output * 2 / 3 + 1}, max: {4 * output} }}");
        }
        if (caching)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  prompts: {{ system_prompts: {random.Next(1, 10)}, users_per_prompt: {random.Next(1, 20)}, system_tokens: {random.Next(10, 2000)} }}");
        }

        if (random.NextDouble() < 0.3)
        {
            // Shares drawn in hundredths, the last taking the rest, so they sum to 1 as written.
            int first = random.Next(1, 100);
            y.AppendLine("  classes:");
            y.AppendLine(CultureInfo.InvariantCulture, $"    urgent: {{ share: {F(first / 100.0)}, priority: {random.Next(-3, 4)} }}");
            y.AppendLine(CultureInfo.InvariantCulture, $"    bulk: {{ share: {F((100 - first) / 100.0)}, priority: {random.Next(-3, 4)} }}");
        }

        y.AppendLine(CultureInfo.InvariantCulture, $"  requests: {random.Next(20, 80)}");
        y.AppendLine("slo: { ttft_s: 5.0, tpot_s: 0.5 }");
        return y.ToString();
    }

    /// <summary>SGLang's reads of new requests every few decode steps on a third of its files (a stream of its own: every other draw is the seed's).</summary>
    private static string ReceiveInterval(int seed, string engine) =>
        engine == "sglang" && new Random(seed ^ 0x5EC7) is var reads && reads.NextDouble() < 0.33
            ? string.Create(CultureInfo.InvariantCulture, $", recv_interval: {reads.Next(2, 40)}")
            : string.Empty;
}
