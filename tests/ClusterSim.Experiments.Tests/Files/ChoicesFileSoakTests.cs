using System.Globalization;
using System.Text;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary>
/// Model-choice experiment files (a baseline deployment against distilled, quantised and cascaded candidates) written from
/// a seed with well-formed values. What <c>validate</c> accepts must run to the end (or find no load that meets its SLO,
/// an answer) with finite, non-negative figures. <c>CLUSTERSIM_SOAK=N</c> adds N more seeds.
/// </summary>
[Collection(WallClockBound.Name)]
public class ChoicesFileSoakTests
{
    private static readonly (string Model, int Tp)[] Served = [("llama-3.1-8b", 1), ("qwen3-14b", 1), ("llama-3.1-70b", 4), ("mixtral-8x7b", 2), ("qwen3-32b", 2), ("llama-3.2-3b", 1)];
    private static readonly string[] Chips = ["H100-SXM", "H200", "A100-80GB", "MI300X", "B200"];

    public static TheoryData<int> Seeds() => FileSoak.Seeds(8);

    [Fact]
    public void Most_drawn_files_are_valid() => Assert.InRange(FileSoak.Valid(File, 100), 50, 100);

    [Theory]
    [MemberData(nameof(Seeds))]
    public Task A_file_that_validates_runs(int seed) => FileSoak.Run(File(seed), seed, 120, sloMayBeUnmeetable: true);

    /// <summary>The choices experiment of <paramref name="seed"/>, as YAML.</summary>
    internal static string File(int seed)
    {
        var random = new Random(seed);
        T Pick<T>(T[] from) => from[random.Next(from.Length)];
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        string Deployment((string Model, int Tp) d) =>
            $"{{ model: {d.Model}, hardware: {Pick(Chips)}, tensor_parallel: {d.Tp * Pick([1, 1, 2])}, weights: {Pick(["bf16", "fp8", "int4"])}, kv_cache: fp8 }}";

        var baseline = Pick(Served);
        var y = new StringBuilder();
        y.AppendLine(CultureInfo.InvariantCulture, $"name: soak-{seed}");
        y.AppendLine(CultureInfo.InvariantCulture, $"seed: {seed}");
        y.AppendLine(CultureInfo.InvariantCulture, $"serving: {Deployment(baseline)}");
        y.AppendLine("workload:");
        int prompt = random.Next(64, 3000), output = random.Next(16, 600);
        y.AppendLine(CultureInfo.InvariantCulture, $"  prompt_tokens: {{ kind: lognormal, mean: {prompt}, median: {prompt * 2 / 3 + 1}, max: {4 * prompt} }}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  output_tokens: {{ kind: lognormal, mean: {output}, median: {output * 2 / 3 + 1}, max: {4 * output} }}");
        y.AppendLine("  requests: 120");
        y.AppendLine(CultureInfo.InvariantCulture, $"slo: {{ ttft_s: {F(0.5 + (random.NextDouble() * 4))}, tpot_s: {F(0.03 + (random.NextDouble() * 0.2))} }}");
        y.AppendLine("choices:");
        y.AppendLine(CultureInfo.InvariantCulture, $"  baseline: {{ name: base, quality: {F(0.5 + (random.NextDouble() * 0.45))}, price_per_hour: {(random.NextDouble() < 0.05 ? "0" : F(1 + (random.NextDouble() * 4)))} }}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  demand: {{ output_tokens_per_day: {F(1e8 * (0.05 + (random.NextDouble() * 20)))} }}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  horizon_days: {random.Next(10, 800)}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  headroom: {F(random.NextDouble() * 0.5)}");
        y.AppendLine("  cell_replicas: 1");
        y.AppendLine("  candidates:");
        int count = random.Next(1, 4);
        for (int c = 0; c < count; c++)
        {
            var candidate = Pick(Served);
            var line = new StringBuilder($"    c{c}: {{ serving: {Deployment(candidate)}, quality: {F(0.3 + (random.NextDouble() * 0.6))}, price_per_hour: {F(1 + (random.NextDouble() * 4))}");
            switch (random.Next(4))
            {
                case 0:
                    line.Append(CultureInfo.InvariantCulture, $", cascade: {{ share: {F(random.NextDouble())}, quality: {F(0.3 + (random.NextDouble() * 0.6))} }}");
                    break;
                case 1:
                    line.Append(CultureInfo.InvariantCulture, $", distillation: {{ teacher_tokens: {F(1e8 * (1 + (random.NextDouble() * 100)))} }}, training: {{ model: {candidate.Model}, hardware: H100-SXM, tokens: {F(1e9 * (1 + (random.NextDouble() * 20)))}, parallelism: {{ data: {1 << random.Next(3, 7)} }} }}");
                    break;
                case 2:
                    line.Append(CultureInfo.InvariantCulture, $", upfront_usd: {random.Next(0, 5_000_000)}");
                    break;
            }

            y.AppendLine(line.Append(" }").ToString());
        }

        return y.ToString();
    }
}
