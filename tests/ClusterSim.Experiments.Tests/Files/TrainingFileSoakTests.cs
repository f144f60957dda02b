using System.Globalization;
using System.Text;
using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Results;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary>
/// Training experiment files written from a seed with well-formed values: any catalog model on a datacenter chip, every
/// parallelism (tensor, context, pipeline with each schedule, data, experts, ZeRO stages and shard groups, recompute,
/// offload), precisions, attention kinds, failures and checkpoints. What <c>validate</c> accepts must run to the end and
/// report a time; what it refuses must say why at a line. <c>CLUSTERSIM_SOAK=N</c> adds N more seeds.
/// </summary>
[Collection(WallClockBound.Name)]
public class TrainingFileSoakTests
{
    private static readonly string[] Chips = ["H100-SXM", "H200", "A100-80GB", "B200", "GB200", "MI300X", "TPU-v5p", "TPU-v6e", "Gaudi3", "Trainium2"];
    private static readonly string[] Schedules = ["1f1b", "interleaved", "zero_bubble", "dualpipe"];
    private static readonly string[] Recompute = ["none", "selective", "full"];

    public static TheoryData<int> Seeds() => FileSoak.Seeds(40);

    [Fact]
    public void Many_drawn_files_are_valid() => Assert.InRange(FileSoak.Valid(File, 200), 80, 190);

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_file_that_validates_runs(int seed)
    {
        if (await FileSoak.Run(File(seed), seed, 60, nanAllowed: false) is not { } run)
        {
            return;
        }

        // Utilisation a fraction, time and cost positive; the run's clock counts whole nanoseconds, a step's time rounded
        // down, so a part in 10⁸ of MFU above the step's is rounding.
        PointResult point = run.Results[0];
        Assert.InRange(point.Metric("mfu_step").Mean, 1e-6, 1);
        Assert.InRange(point.Metric("mfu_run").Mean, 1e-6, point.Metric("mfu_step").Mean * (1 + 1e-6));
        Assert.InRange(point.Metric("effective_training_fraction").Mean, 1e-6, 1);
        Assert.True(point.Metric("step_s").Mean > 0 && point.Metric("cost_usd").Mean > 0, File(seed));
    }

    /// <summary>The training experiment of <paramref name="seed"/>, as YAML.</summary>
    internal static string File(int seed)
    {
        var random = new Random(seed);
        SimCatalog catalog = SimCatalog.Default;
        string[] models = [.. catalog.Models.All.Where(m => m.TotalParameters < 2e12).Select(m => m.Id)];
        T Pick<T>(T[] from) => from[random.Next(from.Length)];
        int Pow2(int max) => 1 << random.Next(0, (int)Math.Log2(max) + 1);
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

        string model = Pick(models);
        bool moe = catalog.Models.Get(model).IsMoE;
        int tensor = Pow2(8), context = random.NextDouble() < 0.2 ? Pow2(4) : 1, pipeline = random.NextDouble() < 0.4 ? Pow2(16) : 1;
        int data = Pow2(64), expert = moe && random.NextDouble() < 0.5 ? Math.Min(data, Pow2(8)) : 1;
        bool folded = expert > 1 && random.NextDouble() < 0.3;   // MoE parallel folding: EP may then span the tensor-parallel ranks
        if (folded)
        {
            expert = Math.Min(tensor * data, Pow2(8));
        }

        string schedule = Pick(Schedules);
        if (schedule == "dualpipe" && pipeline == 1)
        {
            pipeline = 2;   // it feeds micro-batches from both ends of an even pipeline
        }

        int micro = Pow2(4), zero = random.Next(0, 4);

        var y = new StringBuilder();
        y.AppendLine(CultureInfo.InvariantCulture, $"name: soak-{seed}");
        y.AppendLine(CultureInfo.InvariantCulture, $"seed: {seed}");
        y.AppendLine("training:");
        y.AppendLine(CultureInfo.InvariantCulture, $"  model: {model}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  hardware: {Pick(Chips)}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  tokens: {F(1e9 * (1 + (99 * random.NextDouble())))}");
        int sequence = Pick([2048, 4096, 8192, 32768]);
        y.AppendLine(CultureInfo.InvariantCulture, $"  sequence_length: {sequence}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  global_batch_tokens: {(long)sequence * data * micro * Pow2(16)}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  precision: {Pick(["bf16", "bf16", "fp8", "fp4"])}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  attention: {Pick(["fused", "materialized"])}");
        var p = new StringBuilder($"{{ tensor: {tensor}, context: {context}, pipeline: {pipeline}, data: {data}, expert: {expert}, micro_batch: {micro}, schedule: {schedule}");
        if (schedule == "interleaved")
        {
            p.Append(CultureInfo.InvariantCulture, $", chunks: {Pow2(8)}");
        }

        p.Append(CultureInfo.InvariantCulture, $", zero_stage: {zero}, recompute: {Pick(Recompute)}");
        if (zero == 3 && random.NextDouble() < 0.5)
        {
            p.Append(CultureInfo.InvariantCulture, $", zero_shard_group: {Pow2(data)}");
        }

        if (random.NextDouble() < 0.3)
        {
            p.Append(CultureInfo.InvariantCulture, $", sequence_parallel: {(random.NextDouble() < 0.5 ? "true" : "false")}, activation_offload: {(random.NextDouble() < 0.5 ? "true" : "false")}");
        }

        if (expert > 1)
        {
            p.Append(CultureInfo.InvariantCulture, $", expert_overlap: {F(random.NextDouble())}, expert_node_limit: {random.Next(0, 5)}{(folded ? ", expert_tensor: 1" : string.Empty)}{(random.NextDouble() < 0.3 ? ", expert_dispatch: per_node" : string.Empty)}");
        }

        y.AppendLine(CultureInfo.InvariantCulture, $"  parallelism: {p} }}");
        if (random.NextDouble() < 0.5)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  failures: {{ enabled: true, mtbf_hours: {F(1000 + (random.NextDouble() * 100000))}, restart_s: {random.Next(30, 900)} }}");
        }

        if (random.NextDouble() < 0.5)
        {
            y.AppendLine(random.NextDouble() < 0.5 ? $"  checkpoints: {{ write_s: {random.Next(5, 120)} }}" : $"  checkpoints: {{ write_s: {random.Next(5, 120)}, interval_s: {random.Next(600, 7200)} }}");
        }

        y.AppendLine("  price_per_hour: 2");
        return y.ToString();
    }
}
