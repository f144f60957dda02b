using System.Globalization;
using System.Text;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// The offline throughput benchmarks' printouts — vLLM's <c>vllm bench throughput</c> and SGLang's
/// <c>bench_offline_throughput</c> — as logs and posts paste them, drawn from a seed with well-formed values: one to three
/// runs, engine log noise and progress bars between, comment marks in front, thousands separators now and then, any of
/// a few models and accelerators. With the server given on the command line, each run is replayed or skipped with a
/// reason, or the text refused at a line; what is simulated is finite and not negative. <c>CLUSTERSIM_SOAK=N</c> adds N
/// more seeds.
/// </summary>
public class OfflineThroughputSoakTests
{
    public static TheoryData<int> Seeds() => SoakSeeds.Seeds(20);

    [Fact]
    public void Most_drawn_runs_are_replayed()
    {
        int replayed = 0, drawn = 0;
        for (int seed = 1; seed <= 20; seed++)
        {
            var (text, setup, count, sglang) = Log(seed);
            replayed += ReplaySoak.Replayed(() => Read(text, $"soak-{seed}.log", setup, sglang));
            drawn += count;
        }

        Assert.InRange(replayed, drawn / 2, drawn);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_run_is_read_and_replayed_or_skipped_with_a_reason(int seed)
    {
        var (text, setup, count, sglang) = Log(seed);
        if (ReplaySoak.Read(() => Read(text, $"soak-{seed}.log", setup, sglang), $"soak-{seed}.log") is not { } runs)
        {
            return;
        }

        Assert.True(count == runs.Count, $"{runs.Count} runs read from {count} drawn\n{text}");
        Assert.All(runs, r => Assert.Equal("offline", r.Arrival));
        ReplaySoak.Check(runs, $"soak-{seed}.log", text);
    }

    private static IReadOnlyList<MeasuredRun> Read(string text, string source, ServingSetup setup, bool sglang) =>
        sglang ? SglangOfflineThroughput.Parse(text, source, setup) : VllmThroughputReport.Parse(text, source, setup);

    /// <summary>The log of <paramref name="seed"/>, the server it ran on, how many runs it holds and whose benchmark printed it.</summary>
    private static (string Text, ServingSetup Setup, int Runs, bool Sglang) Log(int seed)
    {
        var random = new Random(seed);
        T Pick<T>(T[] from) => from[random.Next(from.Length)];
        bool Maybe(double p) => random.NextDouble() < p;
        string comment = Pick(["", "", "# ", "    "]);
        bool sglang = Maybe(0.4);
        string Number(double v, string format) => Maybe(0.2) && v >= 1000 ? v.ToString("#,0.##", CultureInfo.InvariantCulture) : v.ToString(format, CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        int runs = random.Next(1, 4);
        for (int r = 0; r < runs; r++)
        {
            if (Maybe(0.5))
            {
                text.Append("INFO 12-06 10:01:02 [llm_engine.py:431] init engine (profile, create kv cache, warmup model) took 12.3 seconds\n");
            }

            if (Maybe(0.4))
            {
                text.Append(comment).Append("Processed prompts: 100%|██████████| 200/200 [00:09<00:00, 21.3it/s]\n");
            }

            int requests = random.Next(20, 300), input = random.Next(16, 2000), output = random.Next(2, 500);
            double seconds = 1 + (random.NextDouble() * 120);
            double inputs = requests * (double)input, outputs = requests * (double)output;
            if (sglang)
            {
                void Line(string label, string value) => text.Append(comment).Append(label).Append(new string(' ', Math.Max(1, 41 - label.Length))).Append(value).Append('\n');
                text.Append(comment).Append("====== Offline Throughput Benchmark Result =======\n");
                Line("Backend:", "engine");
                Line("Successful requests:", requests.ToString(CultureInfo.InvariantCulture));
                Line("Benchmark duration (s):", Number(seconds, "0.00"));
                Line("Total input tokens:", Number(inputs, "0"));
                Line("Total generated tokens:", Number(outputs, "0"));
                Line("Last generation throughput (tok/s):", Number(random.NextDouble() * 500, "0.00"));
                Line("Request throughput (req/s):", Number(requests / seconds, "0.00"));
                Line("Input token throughput (tok/s):", Number(inputs / seconds, "0.00"));
                Line("Output token throughput (tok/s):", Number(outputs / seconds, "0.00"));
                Line("Total token throughput (tok/s):", Number((inputs + outputs) / seconds, "0.00"));
                text.Append(comment).Append(new string('=', 50)).Append('\n');
            }
            else
            {
                text.Append(comment).Append(CultureInfo.InvariantCulture, $"Throughput: {requests / seconds:0.00} requests/s, {(inputs + outputs) / seconds:0.00} total tokens/s, {outputs / seconds:0.00} output tokens/s\n");
                text.Append(comment).Append("Total num prompt tokens:  ").Append(Number(inputs, "0")).Append('\n');
                text.Append(comment).Append("Total num output tokens:  ").Append(Number(outputs, "0")).Append('\n');
            }
        }

        var setup = new ServingSetup
        {
            Gpu = Pick(["H100", "A100-80GB", "H200", "L40S", "MI300X"]),
            Model = Pick(["llama-3.1-8b", "qwen3-8b", "mistral-7b", "Qwen/Qwen3-4B"]),
            DType = Pick(["BF16", "BF16", "FP8"]),
        };
        return (text.ToString(), setup, runs, sglang);
    }
}
