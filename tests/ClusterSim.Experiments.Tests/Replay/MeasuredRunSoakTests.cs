using System.Globalization;
using System.Text;
using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// Measured-runs files written from a seed with well-formed rows: a model by its Hugging Face name on any catalog GPU,
/// any engine, release, precision, parallelism (expert and data parallel too), limits, sampling, prefix caching, length
/// ranges and every way of sending (constant, Poisson, gamma, a closed loop, all at once), with measured figures. Each row
/// is replayed or skipped with a reason, never lost and never a crash; a file that cannot be read says where; what is
/// simulated is finite and not negative. (<see cref="MeasuredRunFuzzTests"/> damages text; this one combines valid values.)
/// <c>CLUSTERSIM_SOAK=N</c> adds N more seeds.
/// </summary>
public class MeasuredRunSoakTests
{
    private const string Header = "exp_id,set,stage,workload,model,gpu,tp,ep,dp,dtype,kv_cache_dtype,sampling,engine,engine_version,arrival,rate_rps_or_concurrency,burstiness,n_requests,max_num_seqs,max_num_batched_tokens,gpu_mem_util,enable_prefix_caching,input_len_mean,input_len_min,input_len_max,output_len_mean,output_len_min,output_len_max,output_len_source,measured_ttft_mean_ms,measured_itl_mean_ms,measured_e2e_mean_ms,measured_throughput_tok_s";

    public static TheoryData<int> Seeds() => Files.FileSoak.Seeds(30);

    [Fact]
    public void Many_drawn_rows_are_replayed()
    {
        // The soak is worth the rows it replays: a generator whose rows are all skipped tests only the skipping.
        int replayed = 0, rows = 0;
        for (int seed = 1; seed <= 30; seed++)
        {
            ReplayReport report = ReplayReport.Run(MeasuredRunFile.Parse(new StringReader(File(seed, rows: 4)), $"soak-{seed}.csv"), SimCatalog.Default, maxStageSeconds: 60);
            replayed += report.Outcomes.Select(o => o.Row.Experiment).Distinct().Count();
            rows += 4;
        }

        Assert.InRange(replayed, rows * 2 / 5, rows - 1);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_row_is_replayed_or_skipped_with_a_reason(int seed)
    {
        string text = File(seed, rows: 4);
        IReadOnlyList<MeasuredRun> runs;
        try
        {
            runs = MeasuredRunFile.Parse(new StringReader(text), $"soak-{seed}.csv");
        }
        catch (CatalogException e)
        {
            Assert.StartsWith($"soak-{seed}.csv:", e.Message, StringComparison.Ordinal);
            return;
        }

        ReplayReport report;
        try
        {
            report = ReplayReport.Run(runs, SimCatalog.Default, maxStageSeconds: 60);
        }
        catch (CatalogException e)
        {
            Assert.StartsWith($"soak-{seed}.csv:", e.Message, StringComparison.Ordinal);   // refused with its file and line
            return;
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{e.GetType().Name}: {e.Message}\n{e.StackTrace}\n{text}");
        }

        var seen = report.Outcomes.Select(o => o.Row.Experiment).Concat(report.Skipped.Select(s => s.Experiment)).ToHashSet();
        foreach (MeasuredRun run in runs)
        {
            Assert.True(seen.Contains(run.Experiment), $"{run.Experiment} was neither replayed nor skipped\n{text}");
        }

        Assert.All(report.Skipped, s => Assert.False(string.IsNullOrWhiteSpace(s.Reason)));
        foreach (ReplayOutcome o in report.Outcomes)
        {
            foreach ((string name, double value) in new[] { ("ttft", o.Simulated.TtftMs), ("itl", o.Simulated.ItlMs), ("e2e", o.Simulated.E2eMs), ("throughput", o.Simulated.OutputTokensPerSecond) })
            {
                Assert.True(double.IsNaN(value) || (double.IsFinite(value) && value >= 0), $"{o.Row.Experiment}: simulated {name} {value}\n{text}");
            }
        }
    }

    /// <summary>A measured-runs CSV of <paramref name="rows"/> rows drawn from <paramref name="seed"/>.</summary>
    internal static string File(int seed, int rows)
    {
        var random = new Random(seed);
        SimCatalog catalog = SimCatalog.Default;
        ModelSpec[] models = [.. catalog.Models.All.Where(m => m.TotalParameters < 3e11)];
        string[] gpus = ["H100", "H100-SXM", "H200", "A100-80GB", "A100-40GB", "L40S", "L4", "B200", "MI300X", "MI325X", "TPU-v6e", "A10", "GB200"];
        T Pick<T>(T[] from) => from[random.Next(from.Length)];
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

        var csv = new StringBuilder(Header).Append('\n');
        for (int i = 0; i < rows; i++)
        {
            string arrival = Pick(["constant", "poisson", "gamma", "concurrency", "offline", ""]);
            double rate = arrival == "concurrency" ? random.Next(1, 64) : 0.2 + (random.NextDouble() * 20);
            int input = random.Next(16, 8000), output = random.Next(1, 1500);
            bool ranged = random.NextDouble() < 0.3;
            int requests = random.Next(5, 120);
            string dtype = Pick(["BF16", "FP16", "FP8", "INT8", "INT4", "FP4"]);
            ModelSpec model = Pick(models);
            string name = model.Aliases.Count > 0 ? model.Aliases[0] : model.Id;
            csv.Append(CultureInfo.InvariantCulture, $"soak{seed}-{i},heldout,all,random,{name},{Pick(gpus)},{Pick(["1", "1", "2", "4", "8"])},{(model.IsMoE ? Pick(["", "1", "2", "8"]) : string.Empty)},{Pick(["", "1", "2"])},");
            csv.Append(CultureInfo.InvariantCulture, $"{dtype},{Pick(["", "auto", "fp8"])},{Pick(["", "greedy", "temperature", "top-p", "model-default"])},{Pick(["vllm", "sglang", "tensorrt-llm", ""])},{Pick(["", "0.8.5", "0.11.0", "0.19.0", "0.5.12", "1.0.0", "0.9.0"])},");
            csv.Append(CultureInfo.InvariantCulture, $"{arrival},{F(rate)},{(arrival == "gamma" ? F(0.2 + random.NextDouble()) : string.Empty)},{requests},{Pick(["", "16", "256"])},{Pick(["", "512", "8192"])},{Pick(["", "0.9", "0.5"])},{Pick(["", "true", "false"])},");
            csv.Append(CultureInfo.InvariantCulture, $"{input},{(ranged ? (input * 4 / 5).ToString(CultureInfo.InvariantCulture) : string.Empty)},{(ranged ? input.ToString(CultureInfo.InvariantCulture) : string.Empty)},");
            csv.Append(CultureInfo.InvariantCulture, $"{output},{(ranged ? (output * 4 / 5).ToString(CultureInfo.InvariantCulture) : string.Empty)},{(ranged ? output.ToString(CultureInfo.InvariantCulture) : string.Empty)},configured,");
            csv.Append(CultureInfo.InvariantCulture, $"{F(10 + (random.NextDouble() * 5000))},{F(2 + (random.NextDouble() * 100))},{F(100 + (random.NextDouble() * 60000))},{F(10 + (random.NextDouble() * 20000))}\n");
        }

        return csv.ToString();
    }
}
