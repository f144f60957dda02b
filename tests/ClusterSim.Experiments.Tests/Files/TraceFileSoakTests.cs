using System.Globalization;
using System.Text;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary>
/// Request traces in the Azure layout written from a seed — timestamps in several spellings, out of order and repeated,
/// lengths down to zero, shared prompts and prefixes (a prefix up to longer than its prompt) — replayed by experiment files
/// of well-formed values (models, accelerators, schedulers with and without prefix caching, replicas under any router,
/// client timeouts, a request cap below or above the trace's length). What <c>validate</c> accepts must run to the end
/// with finite, non-negative figures, and every request it sends must be accounted for: completed, dropped or answered late.
/// <c>CLUSTERSIM_SOAK=N</c> adds N more seeds.
/// </summary>
[Collection(WallClockBound.Name)]
public sealed class TraceFileSoakTests : IDisposable
{
    private static readonly (string Model, int Tp)[] Served = [("llama-3.1-8b", 1), ("qwen3-14b", 1), ("mixtral-8x7b", 2), ("llama-3.1-70b", 4), ("gemma-3-27b", 1)];
    private static readonly string[] Chips = ["H100-SXM", "H200", "A100-80GB", "MI300X", "B200"];
    private static readonly string[] Routers = ["round-robin", "random", "least-outstanding", "power-of-two", "kv-aware", "prefix-affinity"];
    private readonly string _folder = Directory.CreateTempSubdirectory("trace-soak-").FullName;

    public static TheoryData<int> Seeds() => FileSoak.Seeds(16);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Most_drawn_files_are_valid() => Assert.InRange(FileSoak.Valid(seed => File(seed, _folder).Experiment, 60), 30, 60);

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_file_that_validates_runs_and_accounts_for_every_request(int seed)
    {
        var (text, rows, cap, timeout) = File(seed, _folder);
        if (await FileSoak.Run(text, seed, 120) is not { } run)
        {
            return;
        }

        long sent = Math.Min(rows, cap);
        foreach (var point in run.Results)
        {
            Assert.All(point.Replications, r => Assert.True(r.Conserved, text));

            // Timed out counts the requests dropped from a queue and those answered too late (neither completed nor dropped).
            double completed = point.Metric("requests_completed").Mean, dropped = point.Metric("requests_dropped").Mean;
            double late = timeout ? point.Metric("requests_timed_out").Mean : 0;
            Assert.True(completed + dropped <= sent && sent <= completed + dropped + late, $"{completed} completed, {dropped} dropped, {late} timed out of {sent} sent\n{text}");
            Assert.True(timeout || completed + dropped == sent, $"{completed} completed and {dropped} dropped of {sent} sent\n{text}");
        }
    }

    /// <summary>The experiment of <paramref name="seed"/> (its trace written into <paramref name="folder"/>), the trace's rows, the request cap and whether clients time out.</summary>
    internal static (string Experiment, int Rows, long Cap, bool Timeout) File(int seed, string folder)
    {
        var random = new Random(seed);
        T Pick<T>(T[] from) => from[random.Next(from.Length)];
        bool Maybe(double p) => random.NextDouble() < p;

        // The trace.
        int rows = random.Next(1, 150);
        bool prompts = Maybe(0.4), prefixes = Maybe(0.4);
        var csv = new StringBuilder("TIMESTAMP,ContextTokens,GeneratedTokens");
        csv.Append(prompts ? ",PromptId" : string.Empty).Append(prefixes ? ",PrefixId,PrefixTokens" : string.Empty).Append('\n');
        var start = new DateTime(2024, 5, 10, 12, 0, 0, DateTimeKind.Utc);
        double span = Pick([0.001, 1, 30, 600]);
        string format = Pick(["yyyy-MM-dd HH:mm:ss.fffffff", "yyyy-MM-ddTHH:mm:ss.fffZ", "yyyy-MM-dd HH:mm:ss"]);
        double[] offsets = [.. Enumerable.Range(0, rows).Select(_ => random.NextDouble() * span)];
        if (!Maybe(0.3))
        {
            Array.Sort(offsets);   // most traces come in order; some do not
        }

        foreach (double offset in offsets)
        {
            int context = Maybe(0.05) ? 0 : random.Next(1, 6000);
            csv.Append(start.AddSeconds(offset).ToString(format, CultureInfo.InvariantCulture)).Append(',').Append(context).Append(',').Append(Maybe(0.05) ? 0 : random.Next(1, 800));
            if (prompts)
            {
                csv.Append(",p").Append(random.Next(0, 5));
            }

            if (prefixes)
            {
                csv.Append(",s").Append(random.Next(0, 3)).Append(',').Append(random.Next(0, context + 200));
            }

            csv.Append('\n');
        }

        string trace = Path.Combine(folder, $"trace-{seed}.csv");
        System.IO.File.WriteAllText(trace, csv.ToString());

        // The experiment that replays it.
        var (model, tp) = Pick(Served);
        long cap = Maybe(0.3) ? random.Next(1, rows + 1) : 100_000;
        bool timeout = Maybe(0.3);
        var y = new StringBuilder();
        y.AppendLine(CultureInfo.InvariantCulture, $"name: soak-{seed}");
        y.AppendLine(CultureInfo.InvariantCulture, $"seed: {seed}");
        y.AppendLine("serving:");
        y.AppendLine(CultureInfo.InvariantCulture, $"  model: {model}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  hardware: {Pick(Chips)}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  tensor_parallel: {tp}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  replicas: {random.Next(1, 4)}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  router: {Pick(Routers)}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  weights: {Pick(["bf16", "fp8"])}");
        y.AppendLine("  kv_cache: fp8");
        y.AppendLine(CultureInfo.InvariantCulture, $"  scheduler: {{ kind: {Pick(["chunked-prefill", "continuous", "prefill-first"])}, max_sequences: {Pick([8, 64, 256])}, max_batched_tokens: {Pick([2048, 8192])}, prefix_caching: {(Maybe(0.5) ? "true" : "false")} }}");
        y.AppendLine("workload:");
        y.AppendLine("  arrival: { kind: trace }");
        y.AppendLine(CultureInfo.InvariantCulture, $"  trace: {{ file: {trace} }}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  requests: {cap}");
        if (timeout)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  timeout_s: {Pick([0.5, 5, 60])}");
        }

        return (y.ToString(), rows, cap, timeout);
    }
}
