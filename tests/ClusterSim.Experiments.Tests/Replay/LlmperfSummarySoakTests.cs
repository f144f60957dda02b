using System.Globalization;
using System.Text;
using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// LLMPerf summaries drawn from a seed with well-formed values: models by their Hugging Face names, with or without a
/// LiteLLM provider prefix, or none (given on the command line); one to 64 concurrent requests; lengths and spreads;
/// quantiles and standard deviations present, NaN (as Python writes them) or absent; failures; sampling parameters or
/// none. Each is replayed or skipped with a reason, or refused at a line; what is simulated is finite and not negative.
/// <c>CLUSTERSIM_SOAK=N</c> adds N more seeds.
/// </summary>
public class LlmperfSummarySoakTests
{
    public static TheoryData<int> Seeds() => SoakSeeds.Seeds(30);

    private static readonly string[] Models = ["meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen2.5-7B-Instruct", "mistralai/Mistral-7B-Instruct-v0.3", "meta-llama/Llama-2-7b-chat-hf", "Qwen/Qwen3-14B", "google/gemma-2-9b-it"];

    internal static (string Text, ServingSetup Setup) Summary(int seed)
    {
        var random = new Random(seed);
        string Pick(string[] from) => from[random.Next(from.Length)];
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        string Maybe(double v) => random.NextDouble() switch { < 0.1 => "NaN", _ => F(v) };
        int users = random.Next(1, 65);
        double input = random.Next(40, 3000), output = random.Next(2, 600);
        double ttft = 0.02 + (random.NextDouble() * 2), e2e = ttft + (output * (0.005 + (random.NextDouble() * 0.05)));
        var fields = new List<string>
        {
            "\"version\": \"2023-08-31\"",
            $"\"mean_input_tokens\": {input}",
            $"\"stddev_input_tokens\": {random.Next(0, 200)}",
            $"\"mean_output_tokens\": {output}",
            $"\"stddev_output_tokens\": {random.Next(0, 50)}",
            $"\"num_concurrent_requests\": {users}",
            $"\"results_ttft_s_mean\": {F(ttft)}",
            $"\"results_end_to_end_latency_s_mean\": {F(e2e)}",
            $"\"results_number_input_tokens_mean\": {F(input * (0.9 + (random.NextDouble() * 0.2)))}",
            $"\"results_number_output_tokens_mean\": {F(Math.Max(1, output * (0.7 + (random.NextDouble() * 0.3))))}",
            $"\"results_num_completed_requests\": {random.Next(users, 20 * users + 1)}",
            $"\"results_mean_output_throughput_token_per_s\": {F(users * output / e2e)}",
            $"\"results_inter_token_latency_s_mean\": {F(e2e / output)}",
        };
        string? model = random.NextDouble() < 0.85 ? Pick(Models) : null;
        if (model is not null)
        {
            fields.Add($"\"model\": \"{(random.NextDouble() < 0.3 ? Pick(["huggingface/", "openai/", "together_ai/"]) : string.Empty)}{model}\"");
        }

        foreach (string q in new[] { "p50", "p90", "p99" })
        {
            if (random.NextDouble() < 0.8)
            {
                fields.Add($"\"results_ttft_s_quantiles_{q}\": {Maybe(ttft * (1 + random.NextDouble()))}");
                fields.Add($"\"results_end_to_end_latency_s_quantiles_{q}\": {Maybe(e2e * (1 + random.NextDouble()))}");
            }
        }

        if (random.NextDouble() < 0.5)
        {
            fields.Add($"\"results_number_errors\": {random.Next(0, 5)}");
            fields.Add("\"results_error_code_frequency\": \"{}\"");
            fields.Add("\"results_ttft_s_stddev\": NaN");
        }

        if (random.NextDouble() < 0.4)
        {
            fields.Add($"\"additional_sampling_params_temperature\": {F(Math.Round(random.NextDouble(), 1))}");
            if (random.NextDouble() < 0.5)
            {
                fields.Add($"\"additional_sampling_params_top_p\": {F(Math.Round(0.5 + (random.NextDouble() / 2), 2))}");
            }
        }

        var text = new StringBuilder("{\n");
        text.AppendJoin(",\n", fields.OrderBy(_ => random.Next()).Select(f => "    " + f));
        text.Append("\n}\n");
        var setup = new ServingSetup
        {
            Gpu = Pick(["H100", "H200", "A100-80GB", "L40S", "B200"]),
            Model = model is null ? Pick(["llama-3.1-8b", "qwen2.5-7b"]) : null,
            TensorParallel = random.NextDouble() < 0.8 ? 1 : 2,
        };
        return (text.ToString(), setup);
    }

    [Fact]
    public void Most_drawn_summaries_are_replayed()
    {
        int replayed = 0;
        for (int seed = 1; seed <= 30; seed++)
        {
            var (text, setup) = Summary(seed);
            replayed += ReplaySoak.Replayed(() => BenchmarkServingFile.ParseAll(text, $"soak-{seed}_summary.json", setup));
        }

        Assert.InRange(replayed, 15, 30);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_summary_is_replayed_or_skipped_with_a_reason(int seed)
    {
        var (text, setup) = Summary(seed);
        string source = $"soak-{seed}_summary.json";
        if (ReplaySoak.Read(() => BenchmarkServingFile.ParseAll(text, source, setup), source) is { } runs)
        {
            MeasuredRun run = Assert.Single(runs);
            Assert.Equal("concurrency", run.Arrival);
            Assert.True(run.ItlMs is null || (double.IsFinite(run.ItlMs.Value) && run.ItlMs >= 0), $"{run.ItlMs}\n{text}");
            ReplaySoak.Check(runs, source, text);
        }
    }
}
