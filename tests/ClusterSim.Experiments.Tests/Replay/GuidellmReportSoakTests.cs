using System.Globalization;
using System.Text;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// GuideLLM reports drawn from a seed with well-formed values: one to five benchmarks of any strategy the client writes
/// (synchronous, concurrent, throughput with or without a cap, constant, poisson), in 0.7's layout or 0.3's, with or
/// without a release, the model or none (given on the command line), percentiles present or absent, incomplete requests,
/// the successful requests listed or not, a sampling body or none, fields in any order. Each is replayed or skipped with a
/// reason, or refused at a line; what is simulated is finite and not negative. <c>CLUSTERSIM_SOAK=N</c> adds N more seeds.
/// </summary>
public class GuidellmReportSoakTests
{
    public static TheoryData<int> Seeds() => SoakSeeds.Seeds(30);

    private static readonly string[] Models = ["meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen2.5-7B-Instruct", "mistralai/Mistral-7B-Instruct-v0.3", "Qwen/Qwen3-14B"];

    internal static (string Text, ServingSetup Setup) Report(int seed)
    {
        var random = new Random(seed);
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        string Shuffled(IEnumerable<string> fields) => "{" + string.Join(", ", fields.OrderBy(_ => random.Next())) + "}";
        string Distribution(double mean, int count) => Shuffled(new List<string>
        {
            $"\"mean\": {F(mean)}",
            $"\"median\": {F(mean * (0.8 + (random.NextDouble() * 0.3)))}",
            $"\"count\": {count}",
        }.Concat(random.NextDouble() < 0.85
            ? [$"\"percentiles\": {{\"p50\": {F(mean)}, \"p90\": {F(mean * (1 + random.NextDouble()))}, \"p99\": {F(mean * (1.5 + random.NextDouble()))}}}"]
            : []));
        string Metric(double mean, int count) => $"{{\"successful\": {Distribution(mean, count)}}}";

        bool current = random.NextDouble() < 0.6;   // 0.7's layout, else 0.3's
        string? model = random.NextDouble() < 0.85 ? Models[random.Next(Models.Length)] : null;
        var benchmarks = new List<string>();
        int count = random.Next(1, 6);
        for (int b = 0; b < count; b++)
        {
            int completed = random.Next(1, 300);
            int incomplete = random.NextDouble() < 0.3 ? random.Next(1, 5) : 0;
            double input = random.Next(32, 3000), output = random.Next(2, 500);
            double ttft = 10 + (random.NextDouble() * 2000), itl = 4 + (random.NextDouble() * 60);
            double latency = (ttft + (itl * (output - 1))) / 1e3;
            string strategy = random.Next(6) switch
            {
                0 => "{\"type_\": \"synchronous\"}",
                1 => $"{{\"type_\": \"concurrent\", \"streams\": {random.Next(1, 128)}}}",
                2 => "{\"type_\": \"throughput\", \"max_concurrency\": null}",
                3 => $"{{\"type_\": \"throughput\", \"max_concurrency\": {random.Next(1, 256)}}}",
                4 => $"{{\"type_\": \"constant\", \"rate\": {F(Math.Round(0.1 + (random.NextDouble() * 20), 2))}}}",
                _ => $"{{\"type_\": \"poisson\", \"rate\": {F(Math.Round(0.1 + (random.NextDouble() * 20), 2))}, \"max_concurrency\": {(random.NextDouble() < 0.5 ? "null" : random.Next(1, 64).ToString(CultureInfo.InvariantCulture))}}}",
            };
            string totals = $"{{\"successful\": {completed}, \"incomplete\": {incomplete}, \"errored\": 0, \"total\": {completed + incomplete}}}";
            var metrics = new List<string>
            {
                $"\"request_latency\": {Metric(latency, completed)}",
                $"\"prompt_token_count\": {Metric(input, completed)}",
                $"\"output_token_count\": {Metric(output, completed)}",
                $"\"time_to_first_token_ms\": {Metric(ttft, completed)}",
                $"\"inter_token_latency_ms\": {Metric(itl, completed * (int)(output - 1))}",
                $"\"output_tokens_per_second\": {Metric(output * completed / (latency * completed), 1)}",
            };
            var fields = new List<string> { "\"type_\": \"generative_benchmark\"", $"\"duration\": {F(completed * latency)}" };
            if (current)
            {
                metrics.Add($"\"request_totals\": {totals}");
                string extras = random.NextDouble() < 0.3 ? $", \"extras\": {{\"body\": {{\"temperature\": {F(Math.Round(random.NextDouble(), 1))}}}}}" : string.Empty;
                fields.Add($"\"config\": {{\"strategy\": {strategy}, \"backend\": {{\"kind\": \"openai_http\"{(model is null ? string.Empty : $", \"model\": \"{model}\"")}{extras}}}}}");
            }
            else
            {
                fields.Add($"\"request_totals\": {totals}");
                fields.Add($"\"args\": {{\"strategy\": {strategy}}}");
                fields.Add($"\"worker\": {{\"backend_type\": \"openai_http\"{(model is null ? string.Empty : $", \"backend_model\": \"{model}\"")}}}");
            }

            fields.Add($"\"metrics\": {Shuffled(metrics)}");
            if (random.NextDouble() < 0.4)
            {
                var requests = Enumerable.Range(0, completed).Select(i => current
                    ? $"{{\"prompt_tokens\": {random.Next(16, 3000)}, \"output_tokens\": {random.Next(1, 500)}, \"info\": {{\"timings\": {{\"request_start\": {F(1.7e9 + random.NextDouble())}}}}}}}"
                    : $"{{\"prompt_tokens\": {random.Next(16, 3000)}, \"output_tokens\": {random.Next(1, 500)}, \"start_time\": {F(1.7e9 + random.NextDouble())}}}");
                fields.Add($"\"requests\": {{\"successful\": [{string.Join(", ", requests)}], \"incomplete\": [], \"errored\": []}}");
            }

            benchmarks.Add(Shuffled(fields));
        }

        var text = new StringBuilder("{");
        if (random.NextDouble() < 0.6)
        {
            text.Append(CultureInfo.InvariantCulture, $"\"metadata\": {{\"version\": 2, \"guidellm_version\": \"{(current ? "0.7.3" : "0.5.0")}\"}}, ");
        }

        text.Append("\"benchmarks\": [").AppendJoin(",\n", benchmarks).Append("]}\n");
        var setup = new ServingSetup
        {
            Gpu = new[] { "H100", "H200", "A100-80GB", "L40S", "B200" }[random.Next(5)],
            Model = model is null ? new[] { "llama-3.1-8b", "qwen2.5-7b" }[random.Next(2)] : null,
            TensorParallel = random.NextDouble() < 0.8 ? 1 : 2,
        };
        return (text.ToString(), setup);
    }

    [Fact]
    public void Most_drawn_reports_are_replayed()
    {
        int replayed = 0;
        for (int seed = 1; seed <= 30; seed++)
        {
            var (text, setup) = Report(seed);
            replayed += Math.Min(1, ReplaySoak.Replayed(() => BenchmarkServingFile.ParseAll(text, $"soak-{seed}.json", setup)));
        }

        Assert.InRange(replayed, 15, 30);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_report_is_replayed_or_skipped_with_a_reason(int seed)
    {
        var (text, setup) = Report(seed);
        string source = $"soak-{seed}.json";
        if (ReplaySoak.Read(() => BenchmarkServingFile.ParseAll(text, source, setup), source) is { } runs)
        {
            Assert.NotEmpty(runs);
            Assert.All(runs, run => Assert.Contains(run.Arrival, new[] { "concurrency", "constant", "poisson" }));
            Assert.Equal(runs.Count, runs.Select(r => r.Experiment).Distinct().Count());
            ReplaySoak.Check(runs, source, text);
        }
    }
}
