using System.Globalization;
using System.Text;
using ClusterSim.Experiments.Results;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary>
/// Edge-against-cloud experiment files written from a seed with well-formed values: the cloud deployment and its cell,
/// devices from phones to workstation cards, their models and number formats, the user population, prices, network,
/// outages and the hybrid's split, the optional fields left out at random, sometimes a sweep over the device. What
/// <c>validate</c> accepts must run to the end (or find no load that meets its SLO, an answer) with finite,
/// non-negative figures, and each mode's figures must hang together: a p95 at or above its p50, the cloud losing what
/// is asked offline and the device nothing, qualities within the ones given. <c>CLUSTERSIM_SOAK=N</c> adds N more seeds.
/// </summary>
[Collection(WallClockBound.Name)]
public class EdgeFileSoakTests
{
    private static readonly (string Model, int Tp)[] Cloud = [("llama-3.1-8b", 1), ("llama-3.1-70b", 2), ("qwen3-32b", 1), ("mixtral-8x7b", 2), ("gemma-3-27b", 1)];
    private static readonly string[] CloudChips = ["H100-SXM", "H200", "A100-80GB", "MI300X", "B200", "L40S"];
    private static readonly string[] Devices = ["iPhone-16-Pro", "Apple-M4-Max", "Jetson-Orin-Nano-Super", "Jetson-AGX-Orin-64GB", "DGX-Spark", "L4", "A10"];
    private static readonly string[] DeviceModels = ["llama-3.2-1b", "llama-3.2-3b", "llama-3.1-8b", "qwen3-4b", "gemma-3-4b", "qwen3-30b-a3b", "phi-4", "qwen2.5-0.5b"];

    public static TheoryData<int> Seeds() => FileSoak.Seeds(12);

    [Fact]
    public void Most_drawn_files_are_valid() => Assert.InRange(FileSoak.Valid(File, 100), 50, 100);

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_file_that_validates_runs(int seed)
    {
        string text = File(seed);
        if (await FileSoak.Run(text, seed, 120, sloMayBeUnmeetable: true) is not { } run)
        {
            return;
        }

        foreach (PointResult point in run.Results)
        {
            double Mean(string metric) => point.Metric(metric).Mean;
            var edge = point.Point.Edge!;
            foreach (string mode in new[] { "cloud", "edge", "hybrid" })
            {
                Assert.True(Mean($"mode.{mode}.ttft_p95_s") >= Mean($"mode.{mode}.ttft_p50_s"), $"{mode}: p95 below p50\n{text}");
                Assert.InRange(Mean($"mode.{mode}.lost_share"), 0, 1);
            }

            Assert.Equal(edge.OfflineShare, Mean("mode.cloud.lost_share"), 12);
            Assert.Equal(0, Mean("mode.edge.lost_share"));
            Assert.Equal(edge.DeviceQuality, Mean("mode.edge.quality"), 12);
            double[] given = [edge.DeviceQuality, edge.CloudQuality, edge.OnDeviceQuality ?? edge.DeviceQuality];
            Assert.InRange(Mean("mode.hybrid.quality"), given.Min() - 1e-12, given.Max() + 1e-12);

            // The hybrid pays for the device and for its escalations: no less than the device's share of its own price.
            Assert.True(Mean("mode.hybrid.usd_per_user_month") >= edge.DevicePriceUsd * edge.DeviceShare / (edge.DeviceLifeYears * 12) * (1 - 1e-12), text);
        }
    }

    /// <summary>The edge experiment of <paramref name="seed"/>, as YAML.</summary>
    internal static string File(int seed)
    {
        var random = new Random(seed);
        T Pick<T>(T[] from) => from[random.Next(from.Length)];
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        bool Maybe() => random.NextDouble() < 0.5;

        var (model, tp) = Pick(Cloud);
        string weights = Pick(["bf16", "fp8", "fp8"]);
        var y = new StringBuilder();
        y.AppendLine(CultureInfo.InvariantCulture, $"name: soak-{seed}");
        y.AppendLine(CultureInfo.InvariantCulture, $"seed: {seed}");
        y.AppendLine(CultureInfo.InvariantCulture, $"replications: {random.Next(1, 3)}");
        y.AppendLine("serving:");
        y.AppendLine(CultureInfo.InvariantCulture, $"  model: {model}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  hardware: {Pick(CloudChips)}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  tensor_parallel: {tp * Pick([1, 1, 2])}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  weights: {weights}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  kv_cache: {(weights == "bf16" ? "bf16" : "fp8")}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  scheduler: {{ kind: {Pick(["chunked-prefill", "continuous"])}, max_sequences: {Pick([32, 128, 256])}, max_batched_tokens: {Pick([2048, 8192])} }}");
        y.AppendLine("workload:");
        int prompt = random.Next(16, 3000), output = random.Next(1, 800);
        y.AppendLine(CultureInfo.InvariantCulture, $"  prompt_tokens: {{ kind: lognormal, mean: {prompt}, median: {prompt * 2 / 3 + 1}, max: {4 * prompt} }}");
        y.AppendLine(random.NextDouble() < 0.1
            ? $"  output_tokens: {random.Next(1, 4)}"
            : $"  output_tokens: {{ kind: lognormal, mean: {output}, median: {output * 2 / 3 + 1}, max: {4 * output} }}");
        y.AppendLine("  requests: 150");
        y.AppendLine(CultureInfo.InvariantCulture, $"slo: {{ ttft_s: {F(0.3 + (random.NextDouble() * 4))}, tpot_s: {F(0.02 + (random.NextDouble() * 0.2))} }}");
        y.AppendLine("edge:");
        string deviceWeights = Pick(["int4", "int4", "fp8", "bf16"]);
        y.AppendLine(CultureInfo.InvariantCulture, $"  device: {{ model: {Pick(DeviceModels)}, hardware: {Pick(Devices)}, weights: {deviceWeights}, kv_cache: {Pick(["bf16", "fp8"])} }}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  device_quality: {F(random.NextDouble())}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  cloud_quality: {F(random.NextDouble())}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  users: {F(Math.Pow(10, random.Next(0, 9)))}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  requests_per_user_per_day: {F(0.01 + (random.NextDouble() * 200))}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  device_price_usd: {random.Next(0, 5000)}");
        if (Maybe())
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  device_life_years: {F(0.1 + (random.NextDouble() * 8))}");
        }

        if (Maybe())
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  device_share: {F(random.NextDouble())}");
        }

        if (Maybe())
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  usd_per_kwh: {F(random.NextDouble() * 0.5)}");
        }

        y.AppendLine(CultureInfo.InvariantCulture, $"  cloud_price_per_hour: {F(random.NextDouble() * 6)}");
        if (Maybe())
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  headroom: {F(random.NextDouble() * 0.9)}");
        }

        y.AppendLine(CultureInfo.InvariantCulture, $"  cell_replicas: {random.Next(1, 4)}");
        if (Maybe())
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  offline_share: {F(random.NextDouble())}");
        }

        if (Maybe())
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  network: {{ rtt_ms: {random.Next(0, 600)}, uplink_mbps: {F(0.1 + (random.NextDouble() * 100))} }}");
        }

        if (Maybe())
        {
            y.AppendLine(Maybe()
                ? $"  hybrid: {{ on_device_share: {F(random.NextDouble())} }}"
                : $"  hybrid: {{ on_device_share: {F(random.NextDouble())}, on_device_quality: {F(random.NextDouble())} }}");
        }

        if (random.NextDouble() < 0.3)
        {
            y.AppendLine("sweep:");
            y.AppendLine("  parameters:");
            y.AppendLine(CultureInfo.InvariantCulture, $"    edge.device.hardware: [{Pick(Devices)}, {Pick(Devices)}]");
        }

        return y.ToString();
    }
}
