using System.Globalization;
using System.Text;
using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// <c>trtllm-bench throughput</c> reports as it prints them, drawn from a seed with well-formed values: models by their
/// Hugging Face names (quantised checkpoints too), releases, number and KV formats, GPUs as drivers name them (or no GPU
/// information), TP, PP and EP sizes ("None" too), batch and token limits, scheduling policies, streaming figures and
/// percentile breakdowns present or not, numbers in E-notation. Each report is replayed or skipped with a reason, or
/// refused at a line; what is simulated is finite and not negative. <c>CLUSTERSIM_SOAK=N</c> adds N more seeds.
/// </summary>
public class TrtllmBenchReportSoakTests
{
    private static readonly string[] Models = ["nvidia/Llama-3.1-8B-Instruct-FP8", "meta-llama/Llama-3.3-70B-Instruct", "nvidia/Llama-3.3-70B-Instruct-FP4", "Qwen/Qwen3-30B-A3B", "mistralai/Mixtral-8x7B-Instruct-v0.1", "meta-llama/Llama-3.1-8B"];
    private static readonly string[] Gpus = ["NVIDIA H100 80GB HBM3", "NVIDIA H200", "NVIDIA B200", "NVIDIA GB200", "NVIDIA L40S", "NVIDIA A100-SXM4-80GB", "No GPU info available"];

    public static TheoryData<int> Seeds() => SoakSeeds.Seeds(30);

    [Fact]
    public void Most_drawn_reports_are_replayed()
    {
        int replayed = 0;
        for (int seed = 1; seed <= 30; seed++)
        {
            replayed += ReplaySoak.Replayed(() => [TrtllmBenchReport.Parse(Report(seed), $"soak-{seed}.log", Setup(seed))]);
        }

        Assert.InRange(replayed, 10, 30);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_report_is_replayed_or_skipped_with_a_reason(int seed)
    {
        string text = Report(seed);
        if (ReplaySoak.Read(() => [TrtllmBenchReport.Parse(text, $"soak-{seed}.log", Setup(seed))], $"soak-{seed}.log") is { } runs)
        {
            ReplaySoak.Check(runs, $"soak-{seed}.log", text);
        }
    }

    /// <summary>The GPU the command line names where the report has no GPU information.</summary>
    private static ServingSetup Setup(int seed) => new() { Gpu = Report(seed).Contains("No GPU info", StringComparison.Ordinal) ? "H100" : null };

    /// <summary>The report of <paramref name="seed"/>, laid out as trtllm-bench prints it.</summary>
    internal static string Report(int seed)
    {
        var random = new Random(seed);
        T Pick<T>(T[] from) => from[random.Next(from.Length)];
        bool Maybe(double p) => random.NextDouble() < p;
        string F(double v) => Maybe(0.2) ? v.ToString("0.0000E+00", CultureInfo.InvariantCulture) : v.ToString("0.0000", CultureInfo.InvariantCulture);
        string tp = Pick(["1", "1", "2", "4", "8"]), pp = Pick(["1", "1", "1", "2"]), ep = Pick(["None", "None", "1", "2", "4"]);
        int requests = random.Next(1, 3000), input = random.Next(16, 4000), output = random.Next(1, 2000);
        double latency = 100 + (random.NextDouble() * 200_000), throughput = requests * output / (latency / 1000) * (0.5 + random.NextDouble());
        var t = new StringBuilder();
        t.Append("[TensorRT-LLM][INFO] Engine version found in the config file.\n\n");
        t.Append("===========================================================\n= PYTORCH BACKEND\n===========================================================\n");
        t.Append(CultureInfo.InvariantCulture, $"Model:\t\t\t{Pick(Models)}\nModel Path:\t\tNone\nTensorRT LLM Version:\t{Pick(["0.12.0", "0.21.0", "1.0.0", "1.2.0rc1"])}\n");
        t.Append(CultureInfo.InvariantCulture, $"Dtype:\t\t\t{Pick(["bfloat16", "float16"])}\nKV Cache Dtype:\t\t{Pick(["FP8", "None", "FP8"])}\nQuantization:\t\t{Pick(["FP8", "NVFP4", "None"])}\n\n");
        t.Append("===========================================================\n= MACHINE DETAILS \n===========================================================\n");
        t.Append(CultureInfo.InvariantCulture, $"{Pick(Gpus)}, memory 79.19 GB, 2.62 GHz\n\n");
        t.Append("===========================================================\n= REQUEST DETAILS \n===========================================================\n");
        t.Append(CultureInfo.InvariantCulture, $"Number of requests:             {requests}\nNumber of concurrent requests:  {F(requests / 2.0)}\n");
        t.Append(CultureInfo.InvariantCulture, $"Average Input Length (tokens):  {F(input)}\nAverage Output Length (tokens): {F(output)}\n");
        t.Append("===========================================================\n= WORLD + RUNTIME INFORMATION \n===========================================================\n");
        t.Append(CultureInfo.InvariantCulture, $"TP Size:                {tp}\nPP Size:                {pp}\nEP Size:                {ep}\n");
        t.Append(CultureInfo.InvariantCulture, $"Max Runtime Batch Size: {random.Next(1, 2049)}\nMax Runtime Tokens:     {random.Next(128, 16385)}\n");
        t.Append(CultureInfo.InvariantCulture, $"Scheduling Policy:      {Pick(["GUARANTEED_NO_EVICT", "GUARANTEED_NO_EVICT", "MAX_UTILIZATION", "STATIC_BATCH"])}\n");
        t.Append(CultureInfo.InvariantCulture, $"KV Memory Percentage:   {random.Next(50, 96)}.00%\nIssue Rate (req/sec):   1.2381E+04\n\n");
        t.Append("===========================================================\n= PERFORMANCE OVERVIEW \n===========================================================\n");
        t.Append(CultureInfo.InvariantCulture, $"Request Throughput (req/sec):                     {F(requests / (latency / 1000))}\n");
        t.Append(CultureInfo.InvariantCulture, $"Total Output Throughput (tokens/sec):             {F(throughput)}\n");
        t.Append(CultureInfo.InvariantCulture, $"Total Latency (ms):                               {F(latency)}\n");
        t.Append(CultureInfo.InvariantCulture, $"Average request latency (ms):                     {F(latency * (0.3 + (0.6 * random.NextDouble())))}\n");
        bool streaming = Maybe(0.6);
        if (streaming)
        {
            t.Append(CultureInfo.InvariantCulture, $"Average time-to-first-token [TTFT] (ms):          {F(latency * 0.2 * random.NextDouble())}\n");
            t.Append(CultureInfo.InvariantCulture, $"Average time-per-output-token [TPOT] (ms):        {F(5 + (random.NextDouble() * 60))}\n");
        }

        if (streaming && Maybe(0.5))
        {
            t.Append("\n-- Per-Request Time-to-First-Token [TTFT] Breakdown (ms) \n\n");
            foreach (string p in new[] { "MINIMUM", "MAXIMUM", "AVERAGE", "P50    ", "P90    ", "P95    ", "P99    " })
            {
                t.Append(CultureInfo.InvariantCulture, $"[TTFT] {p}: {F(latency * random.NextDouble())}\n");
            }
        }

        if (Maybe(0.5))
        {
            t.Append("\n-- Request Latency Breakdown (ms) -----------------------\n\n");
            foreach (string p in new[] { "P50    ", "P90    ", "P99    ", "AVERAGE" })
            {
                t.Append(CultureInfo.InvariantCulture, $"[Latency] {p}: {F(latency * random.NextDouble())}\n");
            }
        }

        t.Append("\n===========================================================\n");
        return t.ToString();
    }
}
