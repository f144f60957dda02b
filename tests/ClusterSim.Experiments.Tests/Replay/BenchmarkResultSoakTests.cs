using System.Globalization;
using System.Text;
using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// Serving-benchmark results as vLLM (<c>vllm bench serve --save-result</c>) and SGLang (<c>bench_serving --output-file</c>)
/// write them, drawn from a seed with well-formed values: one result or several a line, any rate (a number, "inf" or
/// SGLang's Infinity) with or without a concurrency cap and burstiness, failures, the percentiles either reports, and,
/// for some, each request's lengths, first-token times and gaps (a detailed result). With the server given on the command
/// line (any catalog GPU, TP, number format, engine and release), each line is replayed or skipped with a reason, or the
/// file refused at a line; what is simulated is finite and not negative. <c>CLUSTERSIM_SOAK=N</c> adds N more seeds.
/// </summary>
public class BenchmarkResultSoakTests
{
    private static readonly string[] Models = ["meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen3-14B", "mistralai/Mistral-7B-Instruct-v0.3", "Qwen/Qwen3-30B-A3B", "meta-llama/Llama-3.1-70B-Instruct", "google/gemma-3-27b-it"];
    private static readonly string[] Gpus = ["H100", "H200", "A100-80GB", "L40S", "B200", "MI300X", "L4"];

    public static TheoryData<int> Seeds() => SoakSeeds.Seeds(30);

    [Fact]
    public void Most_drawn_results_are_replayed()
    {
        // The soak is worth the results it replays: a generator whose results are all skipped tests only the skipping.
        int replayed = 0, results = 0;
        for (int seed = 1; seed <= 30; seed++)
        {
            var (text, setup) = File(seed);
            IReadOnlyList<MeasuredRun> runs = BenchmarkServingFile.ParseAll(text, $"soak-{seed}.json", setup);
            replayed += ReplaySoak.Replayed(() => runs);
            results += runs.Count;
        }

        Assert.InRange(replayed, results / 2, results);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_result_is_replayed_or_skipped_with_a_reason(int seed)
    {
        var (text, setup) = File(seed);
        if (ReplaySoak.Read(() => BenchmarkServingFile.ParseAll(text, $"soak-{seed}.json", setup), $"soak-{seed}.json") is { } runs)
        {
            ReplaySoak.Check(runs, $"soak-{seed}.json", text);
        }
    }

    /// <summary>The result file of <paramref name="seed"/> (one JSON object a line) and the server it ran on.</summary>
    internal static (string Text, ServingSetup Setup) File(int seed)
    {
        var random = new Random(seed);
        T Pick<T>(T[] from) => from[random.Next(from.Length)];
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        bool sglang = random.NextDouble() < 0.4;
        string model = Pick(Models);
        var text = new StringBuilder();
        for (int line = random.Next(1, 4); line > 0; line--)
        {
            int completed = random.Next(1, 60), failed = random.NextDouble() < 0.15 ? random.Next(1, 5) : 0;
            int input = random.Next(16, 4000), output = random.Next(1, 700);
            double duration = 1 + (random.NextDouble() * 300), ttft = 5 + (random.NextDouble() * 3000), tpot = 2 + (random.NextDouble() * 80);
            var fields = new List<string>
            {
                sglang ? $"\"backend\": \"{Pick(["sglang", "sglang-oai", "vllm"])}\"" : $"\"model_id\": \"{model}\"",
                $"\"completed\": {completed}",
                $"\"total_input_tokens\": {completed * input}",
                $"\"total_output_tokens\": {completed * output}",
                $"\"duration\": {F(duration)}",
                $"\"mean_ttft_ms\": {F(ttft)}",
                $"\"mean_tpot_ms\": {F(tpot)}",
                $"\"mean_itl_ms\": {F(tpot * (0.8 + (0.4 * random.NextDouble())))}",
                sglang ? $"\"mean_e2e_latency_ms\": {F(ttft + (tpot * output))}" : $"\"mean_e2el_ms\": {F(ttft + (tpot * output))}",
                $"\"output_throughput\": {F(completed * output / duration)}",
            };
            if (!sglang)
            {
                fields.Add($"\"num_prompts\": {completed + failed}");
            }

            string rate = Pick(["number", "inf", "infinity", "absent"]);
            if (rate == "number")
            {
                fields.Add($"\"request_rate\": {F(0.1 + (random.NextDouble() * 30))}");
                fields.Add($"\"burstiness\": {F(Pick([1.0, 0.5, 2.0, 0.1 + random.NextDouble()]))}");
            }
            else if (rate != "absent")
            {
                fields.Add(rate == "inf" ? "\"request_rate\": \"inf\"" : "\"request_rate\": Infinity");
            }

            fields.Add(random.NextDouble() < 0.5 ? $"\"max_concurrency\": {random.Next(1, 64)}" : "\"max_concurrency\": null");
            if (failed > 0)
            {
                fields.Add($"\"failed\": {failed}");
            }

            if (random.NextDouble() < 0.5)
            {
                fields.Add($"\"median_ttft_ms\": {F(ttft * 0.8)}");
                fields.Add($"\"p99_ttft_ms\": {F(ttft * 3)}");
                fields.Add(sglang ? $"\"p99_e2e_latency_ms\": {F((ttft + (tpot * output)) * 1.5)}" : $"\"p99_e2el_ms\": {F((ttft + (tpot * output)) * 1.5)}");
            }

            if (random.NextDouble() < 0.3)
            {
                // A detailed result: each request's lengths, first-token time and gaps (vLLM's --save-detailed, SGLang's --output-details).
                int[] inputs = [.. Enumerable.Range(0, completed).Select(_ => Math.Max(1, input + random.Next(-input / 2, input / 2 + 1)))];
                int[] outputs = [.. Enumerable.Range(0, completed).Select(_ => Math.Max(1, output + random.Next(-output / 2, output / 2 + 1)))];
                fields.Add($"\"input_lens\": [{string.Join(", ", inputs)}]");
                fields.Add($"\"output_lens\": [{string.Join(", ", outputs)}]");
                fields.Add($"\"ttfts\": [{string.Join(", ", inputs.Select(_ => F(ttft / 1000 * (0.5 + random.NextDouble()))))}]");
                fields.Add($"\"itls\": [{string.Join(", ", outputs.Select(o => $"[{string.Join(", ", Enumerable.Range(0, o - 1).Select(_ => F(tpot / 1000)))}]"))}]");
            }

            text.Append('{').AppendJoin(", ", fields.OrderBy(_ => random.Next())).Append("}\n");
        }

        var setup = new ServingSetup
        {
            Gpu = Pick(Gpus),
            Model = model,
            TensorParallel = Pick([1, 1, 2, 4]),
            DType = Pick(["BF16", "FP16", "FP8", "auto"]),
            Engine = sglang ? "sglang" : Pick(["", "vllm"]),
            EngineVersion = Pick(["", "0.11.0", "0.19.0", "0.5.12"]),
            MaxSequences = random.NextDouble() < 0.3 ? random.Next(1, 512) : null,
            MaxBatchedTokens = random.NextDouble() < 0.3 ? random.Next(16, 16384) : null,
            GpuMemoryUtilization = random.NextDouble() < 0.3 ? 0.5 + (random.NextDouble() * 0.45) : null,
        };
        return (text.ToString(), setup);
    }
}
