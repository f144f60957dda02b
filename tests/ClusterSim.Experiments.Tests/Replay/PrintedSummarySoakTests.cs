using System.Globalization;
using System.Text;
using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// The summaries vLLM's and SGLang's serving benchmarks print, as logs and blog posts paste them, drawn from a seed with
/// well-formed values: one to four blocks, each with or without the traffic lines before it (a rate, inf, None or SGLang's
/// "not set"), log noise and progress bars between, comment marks in front, thousands separators, the optional lines
/// (medians, tails, E2E, failures) left out at random, the lines' spacing varied. With the server given on the command
/// line, each block is replayed or skipped with a reason, or the text refused at a line; what is simulated is finite and
/// not negative. <c>CLUSTERSIM_SOAK=N</c> adds N more seeds.
/// </summary>
public class PrintedSummarySoakTests
{
    public static TheoryData<int> Seeds() => SoakSeeds.Seeds(30);

    [Fact]
    public void Most_drawn_blocks_are_replayed()
    {
        int replayed = 0, blocks = 0;
        for (int seed = 1; seed <= 30; seed++)
        {
            var (text, setup, count) = Log(seed);
            replayed += ReplaySoak.Replayed(() => BenchmarkServingLog.Parse(text, $"soak-{seed}.log", setup));
            blocks += count;
        }

        Assert.InRange(replayed, blocks / 2, blocks);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_block_is_read_and_replayed_or_skipped_with_a_reason(int seed)
    {
        var (text, setup, count) = Log(seed);
        if (ReplaySoak.Read(() => BenchmarkServingLog.Parse(text, $"soak-{seed}.log", setup), $"soak-{seed}.log") is not { } runs)
        {
            return;
        }

        Assert.True(count == runs.Count, $"{runs.Count} runs read from {count} blocks\n{text}");
        ReplaySoak.Check(runs, $"soak-{seed}.log", text);
    }

    /// <summary>The log of <paramref name="seed"/>, the server it ran on and how many result blocks it holds.</summary>
    internal static (string Text, ServingSetup Setup, int Blocks) Log(int seed)
    {
        var random = new Random(seed);
        T Pick<T>(T[] from) => from[random.Next(from.Length)];
        bool Maybe(double p) => random.NextDouble() < p;
        string comment = Pick(["", "", "# ", "    "]);
        bool sglang = Maybe(0.3);
        var text = new StringBuilder();
        int blocks = random.Next(1, 5);
        for (int b = 0; b < blocks; b++)
        {
            void Line(string label, string value) => text.Append(comment).Append(label).Append(':').Append(new string(' ', Math.Max(1, 41 - label.Length - random.Next(0, 3)))).Append(value).Append('\n');
            string Number(double v, string format) => Maybe(0.2) && v >= 1000 ? v.ToString("#,0.##", CultureInfo.InvariantCulture) : v.ToString(format, CultureInfo.InvariantCulture);

            if (Maybe(0.5))
            {
                text.Append("INFO 05-12 10:01:02 [api_server.py:1081] Starting vLLM API server on http://0.0.0.0:8000\n");
            }

            if (Maybe(0.7))
            {
                Line(sglang ? "Traffic request rate" : "Traffic request rate", Pick(["inf", "4.0", "12.5", "0.5"]));
                if (Maybe(0.6))
                {
                    Line("Burstiness factor", Pick(["1.0 (Poisson process)", "0.5 (Gamma distribution)", "2.0 (Gamma distribution)"]));
                }

                if (Maybe(0.6))
                {
                    Line(sglang ? "Max request concurrency" : "Maximum request concurrency", Pick(["None", "not set", "8", "32", "64"]));
                }
            }

            if (Maybe(0.4))
            {
                text.Append(comment).Append("100%|██████████| 320/320 [02:30<00:00,  2.13it/s]\n");
            }

            int completed = random.Next(1, 300), input = random.Next(16, 4000), output = random.Next(2, 800);
            double duration = 1 + (random.NextDouble() * 300), ttft = 5 + (random.NextDouble() * 3000), tpot = 2 + (random.NextDouble() * 80);
            text.Append(comment).Append("============ Serving Benchmark Result ============\n");
            if (sglang)
            {
                Line("Backend", Pick(["sglang", "sglang-oai", "vllm"]));
            }

            Line("Successful requests", completed.ToString(CultureInfo.InvariantCulture));
            if (Maybe(0.2))
            {
                Line("Failed requests", random.Next(0, 5).ToString(CultureInfo.InvariantCulture));
            }

            Line("Benchmark duration (s)", Number(duration, "0.00"));
            Line("Total input tokens", Number(completed * (double)input, "0"));
            Line("Total generated tokens", Number(completed * (double)output, "0"));
            Line("Request throughput (req/s)", Number(completed / duration, "0.00"));
            Line("Output token throughput (tok/s)", Number(completed * output / duration, "0.00"));
            if (sglang || Maybe(0.5))
            {
                text.Append(comment).Append("----------------End-to-End Latency----------------\n");
                Line(sglang ? "Mean E2E Latency (ms)" : "Mean E2EL (ms)", Number(ttft + (tpot * output), "0.00"));
            }

            text.Append(comment).Append("---------------Time to First Token----------------\n");
            Line("Mean TTFT (ms)", Number(ttft, "0.00"));
            if (Maybe(0.7))
            {
                Line("Median TTFT (ms)", Number(ttft * 0.8, "0.00"));
                Line("P99 TTFT (ms)", Number(ttft * 3, "0.00"));
            }

            text.Append(comment).Append("-----Time per Output Token (excl. 1st token)------\n");
            Line("Mean TPOT (ms)", Number(tpot, "0.00"));
            if (Maybe(0.7))
            {
                Line("Median TPOT (ms)", Number(tpot, "0.00"));
                Line("P99 TPOT (ms)", Number(tpot * 1.3, "0.00"));
            }

            text.Append(comment).Append("---------------Inter-token Latency----------------\n");
            Line("Mean ITL (ms)", Number(tpot * 0.95, "0.00"));
            text.Append(comment).Append("==================================================\n");
        }

        var setup = new ServingSetup
        {
            Gpu = Pick(["H100", "H200", "A100-80GB", "L40S", "B200", "MI300X"]),
            Model = Pick(["meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen3-14B", "Qwen/Qwen3-30B-A3B", "google/gemma-3-12b-it"]),
            TensorParallel = Pick([1, 1, 2]),
            DType = Pick(["BF16", "FP8", "auto"]),
            Engine = sglang ? "sglang" : string.Empty,
        };
        return (text.ToString(), setup, blocks);
    }
}
