using System.Globalization;
using System.Text;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary>
/// Lifecycle experiment files (train, then serve a growing demand) written from a seed with well-formed values: models
/// and accelerators for each phase, number formats and parallelism, demand growth and swing, headroom, cold starts,
/// rented or bought accelerators, software gains. What <c>validate</c> accepts must run to the end (or find no load that
/// meets its SLO, an answer) with finite, non-negative figures. <c>CLUSTERSIM_SOAK=N</c> adds N more seeds.
/// </summary>
[Collection(WallClockBound.Name)]
public class LifecycleFileSoakTests
{
    private static readonly (string Model, int Tp)[] Served = [("llama-3.1-8b", 1), ("qwen3-14b", 1), ("llama-3.1-70b", 4), ("mixtral-8x7b", 2), ("gemma-3-27b", 2)];
    private static readonly string[] Chips = ["H100-SXM", "H200", "A100-80GB", "L40S", "MI300X", "B200"];

    public static TheoryData<int> Seeds() => FileSoak.Seeds(8);

    [Fact]
    public void Most_drawn_files_are_valid() => Assert.InRange(FileSoak.Valid(File, 100), 50, 100);

    [Theory]
    [MemberData(nameof(Seeds))]
    public Task A_file_that_validates_runs(int seed) => FileSoak.Run(File(seed), seed, 120, sloMayBeUnmeetable: true);

    /// <summary>The same files without their training run are fleets: no training bill, and a fleet that serves its demand at a price.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_fleet_file_that_validates_runs(int seed)
    {
        string text = File(seed, training: false);
        if (await FileSoak.Run(text, seed, 120, sloMayBeUnmeetable: true) is not { } run)
        {
            return;
        }

        foreach (var point in run.Results)
        {
            Assert.Equal(0, point.Metric("training_cost_usd").Mean);
            Assert.True(point.Metric("fleet_accelerators_at_launch").Mean >= 1, text);
            Assert.True(point.Metric("cost_per_mtok_at_launch").Mean > 0, text);
        }
    }

    /// <summary>The lifecycle experiment of <paramref name="seed"/>, as YAML.</summary>
    internal static string File(int seed) => File(seed, training: true);

    /// <summary>The experiment of <paramref name="seed"/>, with its training run or, for a fleet, without.</summary>
    internal static string File(int seed, bool training)
    {
        var random = new Random(seed);
        T Pick<T>(T[] from) => from[random.Next(from.Length)];
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

        var (model, tp) = Pick(Served);
        string chip = Pick(Chips);
        string weights = Pick(["bf16", "fp8", "fp8", "int4"]);
        int data = 1 << random.Next(0, 5);
        var y = new StringBuilder();
        y.AppendLine(CultureInfo.InvariantCulture, $"name: soak-{seed}");
        y.AppendLine(CultureInfo.InvariantCulture, $"seed: {seed}");
        var t = new StringBuilder();
        t.AppendLine("training:");
        t.AppendLine(CultureInfo.InvariantCulture, $"  model: {model}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  hardware: {Pick(["H100-SXM", "H200", "A100-80GB", "MI300X", "B200"])}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  tokens: {F(1e9 * (1 + (50 * random.NextDouble())))}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  global_batch_tokens: {8192 * data * 8}");
        t.AppendLine("  sequence_length: 8192");
        t.AppendLine(CultureInfo.InvariantCulture, $"  parallelism: {{ tensor: 8, data: {data}, zero_stage: {random.Next(0, 4)}, recompute: {Pick(["none", "selective", "full"])} }}");
        t.AppendLine("  price_per_hour: 2");
        if (training)
        {
            y.Append(t);
        }

        y.AppendLine("serving:");
        y.AppendLine(CultureInfo.InvariantCulture, $"  model: {model}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  hardware: {chip}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  tensor_parallel: {tp * Pick([1, 1, 2])}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  weights: {weights}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  kv_cache: {(weights == "bf16" ? "bf16" : "fp8")}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  engine: {Pick(["vllm", "sglang", "tensorrt-llm"])}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  scheduler: {{ kind: {Pick(["chunked-prefill", "continuous", "prefill-first"])}, max_sequences: {Pick([32, 128, 256])}, max_batched_tokens: {Pick([2048, 8192])} }}");
        y.AppendLine("workload:");
        int prompt = random.Next(64, 4000), output = random.Next(16, 800);
        y.AppendLine(CultureInfo.InvariantCulture, $"  prompt_tokens: {{ kind: lognormal, mean: {prompt}, median: {prompt * 2 / 3 + 1}, max: {4 * prompt} }}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  output_tokens: {{ kind: lognormal, mean: {output}, median: {output * 2 / 3 + 1}, max: {4 * output} }}");
        y.AppendLine("  requests: 150");
        y.AppendLine(CultureInfo.InvariantCulture, $"slo: {{ ttft_s: {F(0.5 + (random.NextDouble() * 5))}, tpot_s: {F(0.03 + (random.NextDouble() * 0.2))} }}");
        y.AppendLine("lifecycle:");
        y.AppendLine("  launch_date: 2025-03-01");
        y.AppendLine(CultureInfo.InvariantCulture, $"  horizon_days: {random.Next(5, 400)}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  demand: {{ output_tokens_per_day: {F(1e8 * (0.1 + (random.NextDouble() * 50)))}, monthly_growth: {F(random.NextDouble() * 0.5)}, diurnal_amplitude: {F(random.NextDouble() * 0.9)} }}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  headroom: {F(random.NextDouble() * 0.5)}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  cold_start_s: {random.Next(0, 1800)}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  software_gain_per_year: {F(random.NextDouble())}");
        y.AppendLine(random.NextDouble() < 0.5
            ? $"  price: {{ per_hour: {F(0.5 + (random.NextDouble() * 5))}, yearly_change: {F(-0.3 * random.NextDouble())}, floor: 0.4 }}"
            : $"  capex: {{ purchase_usd: {random.Next(8000, 45000)}, lifetime_years: {random.Next(2, 7)}, residual: {F(0.3 * random.NextDouble())} }}");
        y.AppendLine("  energy: { usd_per_kwh: 0.08, pue: 1.2 }");
        y.AppendLine("  cell_replicas: 1");
        return y.ToString();
    }
}
