using System.Globalization;
using System.Text;
using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// AIPerf's (and GenAI-Perf's) aggregate exports drawn from a seed with well-formed values: AIPerf's and GenAI-Perf's
/// layouts, closed loops or paced rates (constant, Poisson, gamma with its smoothness, or unrecorded), a concurrency cap
/// beside a rate, streaming or not, GPU telemetry naming the GPU or none, failures, percentiles present or not. Each
/// export is replayed or skipped with a reason, or refused at a line; what is simulated is finite and not negative.
/// <c>CLUSTERSIM_SOAK=N</c> adds N more seeds.
/// </summary>
public class AiperfExportSoakTests
{
    public static TheoryData<int> Seeds() => SoakSeeds.Seeds(30);

    [Fact]
    public void Most_drawn_exports_are_replayed()
    {
        int replayed = 0;
        for (int seed = 1; seed <= 30; seed++)
        {
            var (text, setup) = Export(seed);
            replayed += ReplaySoak.Replayed(() => BenchmarkServingFile.ParseAll(text, $"soak-{seed}.json", setup));
        }

        Assert.InRange(replayed, 15, 30);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_export_is_replayed_or_skipped_with_a_reason(int seed)
    {
        var (text, setup) = Export(seed);
        if (ReplaySoak.Read(() => BenchmarkServingFile.ParseAll(text, $"soak-{seed}.json", setup), $"soak-{seed}.json") is { } runs)
        {
            Assert.Single(runs);
            ReplaySoak.Check(runs, $"soak-{seed}.json", text);
        }
    }

    /// <summary>The export of <paramref name="seed"/> (one JSON object) and what the command line adds to it.</summary>
    internal static (string Text, ServingSetup Setup) Export(int seed)
    {
        var random = new Random(seed);
        T Pick<T>(T[] from) => from[random.Next(from.Length)];
        bool Maybe(double p) => random.NextDouble() < p;
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        bool genaiPerf = Maybe(0.3), streaming = Maybe(0.8), telemetry = !genaiPerf && Maybe(0.5);
        int requests = random.Next(1, 500), input = random.Next(16, 6000), output = random.Next(1, 1500);
        double ttft = 10 + (random.NextDouble() * 4000), itl = 2 + (random.NextDouble() * 80), e2e = ttft + (itl * output);

        string Stat(string name, string unit, double avg, bool tails) => tails
            ? $"\"{name}\": {{ \"unit\": \"{unit}\", \"avg\": {F(avg)}, \"p50\": {F(avg * 0.9)}, \"p90\": {F(avg * 1.3)}, \"p99\": {F(avg * 2)}, \"min\": {F(avg * 0.5)}, \"max\": {F(avg * 2.5)} }}"
            : $"\"{name}\": {{ \"unit\": \"{unit}\", \"avg\": {F(avg)} }}";
        bool tails = Maybe(0.6);
        var fields = new List<string>
        {
            Stat("request_latency", "ms", e2e, tails),
            Stat("output_token_throughput", "tokens/sec", requests * output / (e2e / 1000) * (0.2 + random.NextDouble()), false),
            Stat("input_sequence_length", "tokens", input, false),
            Stat("output_sequence_length", "tokens", output, false),
            Stat("request_count", "requests", requests, false),
            Stat("benchmark_duration", "sec", 1 + (random.NextDouble() * 600), false),
        };
        if (streaming)
        {
            fields.Add(Stat("time_to_first_token", "ms", ttft, tails));
            fields.Add(Stat("inter_token_latency", "ms", itl, tails));
        }

        if (Maybe(0.2))
        {
            fields.Add($"\"error_request_count\": {{ \"unit\": \"requests\", \"avg\": {random.Next(1, 20)} }}");
        }

        if (telemetry)
        {
            fields.Add($"\"telemetry_data\": {{ \"endpoints\": {{ \"localhost:9400\": {{ \"gpus\": {{ \"gpu_0\": {{ \"gpu_index\": 0, \"gpu_name\": \"{Pick(["NVIDIA H100 80GB HBM3", "NVIDIA H200", "NVIDIA B200", "NVIDIA L40S", "NVIDIA A100-SXM4-80GB"])}\", \"metrics\": {{}} }} }} }} }} }}");
        }

        var loadgen = new List<string>();
        if (Maybe(0.5))
        {
            loadgen.Add($"\"concurrency\": {random.Next(1, 128)}");
        }

        if (Maybe(0.5))
        {
            loadgen.Add($"\"request_rate\": {F(0.1 + (random.NextDouble() * 40))}");
            string mode = Pick(["constant", "poisson", "gamma", ""]);
            if (mode.Length > 0)
            {
                loadgen.Add($"\"request_rate_mode\": \"{mode}\"");
            }

            if (mode == "gamma")
            {
                loadgen.Add($"\"arrival_smoothness\": {F(0.1 + (random.NextDouble() * 4))}");
            }
        }

        loadgen.Add($"\"request_count\": {requests}");
        string model = Pick(["meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-70B-Instruct", "Qwen/Qwen3-32B", "mistralai/Mixtral-8x7B-Instruct-v0.1"]);
        fields.Add(genaiPerf
            ? $"\"input_config\": {{ \"model\": [\"{model}\"], \"endpoint\": {{ \"streaming\": {(streaming ? "true" : "false")} }}{(loadgen.Count > 1 ? ", " + string.Join(", ", loadgen.SkipLast(1)) : string.Empty)} }}"
            : $"\"input_config\": {{ \"endpoint\": {{ \"model_names\": [\"{model}\"], \"streaming\": {(streaming ? "true" : "false")} }}, \"loadgen\": {{ {string.Join(", ", loadgen)} }} }}");

        var text = new StringBuilder("{ ").AppendJoin(", ", fields.OrderBy(_ => random.Next())).Append(" }\n");
        var setup = new ServingSetup
        {
            Gpu = telemetry && Maybe(0.5) ? null : Pick(["H100", "H200", "A100-80GB", "L40S"]),
            TensorParallel = Pick([1, 1, 2, 4, 8]),
            DType = Pick(["BF16", "FP8"]),
            Engine = Pick(["", "tensorrt-llm", "vllm"]),
        };
        return (text.ToString(), setup);
    }
}
