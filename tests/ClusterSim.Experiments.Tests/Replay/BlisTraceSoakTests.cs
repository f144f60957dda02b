using System.Globalization;
using System.Text;
using ClusterSim.Core.Inference;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// BLIS traces (TraceV2 data CSV and header YAML) drawn from a seed with well-formed values: the optional columns present or
/// not and in BLIS's order, one priority or several, errors and timeouts among the requests, server-reported prompt
/// lengths or none, bursts and spreads of sends, a header naming the server or not, either scheduling policy. Each trace
/// is replayed or skipped with a reason, or refused at a line; what is simulated is finite and not negative, and a
/// priority's row counts that priority's requests. <c>CLUSTERSIM_SOAK=N</c> adds N more seeds.
/// </summary>
public class BlisTraceSoakTests
{
    public static TheoryData<int> Seeds() => SoakSeeds.Seeds(30);

    [Fact]
    public void Most_drawn_traces_are_replayed()
    {
        int replayed = 0;
        for (int seed = 1; seed <= 30; seed++)
        {
            var (text, header, setup) = Trace(seed);
            replayed += ReplaySoak.Replayed(() => BlisTrace.Read(text, $"soak-{seed}.csv", header, $"soak-{seed}.yaml", setup));
        }

        Assert.InRange(replayed, 20, 30);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_trace_is_replayed_or_skipped_with_a_reason(int seed)
    {
        var (text, header, setup) = Trace(seed);
        IReadOnlyList<MeasuredRun> runs;
        try
        {
            runs = BlisTrace.Read(text, $"soak-{seed}.csv", header, $"soak-{seed}.yaml", setup);
        }
        catch (Core.Catalog.CatalogException e)
        {
            Assert.Matches($@"^soak-{seed}\.(csv|yaml):\d+", e.Message);   // refused at a line of the data or the header
            return;
        }

        MeasuredRun all = runs[0];
        Assert.Equal(all.Classes.Count == 0 ? 1 : all.Classes.Count + 1, runs.Count);
        if (all.Classes.Count > 0)
        {
            Assert.Equal(1.0, all.Classes.Sum(c => c.Share), 9);
            Assert.Equal(all.Requests, runs.Skip(1).Sum(r => r.Requests));   // each request in one priority's row
        }

        ReplaySoak.Check(runs, $"soak-{seed}", text);
    }

    /// <summary>The trace of <paramref name="seed"/>: its data CSV, its header YAML (or none) and what the command line adds.</summary>
    internal static (string Text, string? Header, ServingSetup Setup) Trace(int seed)
    {
        var random = new Random(seed);
        T Pick<T>(T[] from) => from[random.Next(from.Length)];
        bool Maybe(double p) => random.NextDouble() < p;
        bool priorities = Maybe(0.5), vllmPriority = priorities || Maybe(0.3), sloTarget = Maybe(0.3), requestIds = Maybe(0.3), serverInput = Maybe(0.5);
        string model = Pick(["meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen3-14B", "mistralai/Mixtral-8x7B-v0.1", "meta-llama/Llama-2-7b-hf"]);

        // BLIS's column order: vllm_priority after slo_class, slo_target_us after deadline_us, x_request_id trailing.
        var columns = new List<string> { "request_id", "client_id", "tenant_id", "slo_class" };
        if (vllmPriority)
        {
            columns.Add("vllm_priority");
        }

        columns.AddRange(["session_id", "round_index", "prefix_group", "prefix_length", "streaming", "input_tokens", "output_tokens", "text_tokens", "image_tokens", "audio_tokens", "video_tokens", "reason_ratio", "model", "deadline_us"]);
        if (sloTarget)
        {
            columns.Add("slo_target_us");
        }

        columns.AddRange(["server_input_tokens", "arrival_time_us", "send_time_us", "first_chunk_time_us", "last_chunk_time_us", "num_chunks", "status", "error_message", "finish_reason"]);
        if (requestIds)
        {
            columns.Add("x_request_id");
        }

        var text = new StringBuilder(string.Join(",", columns)).Append('\n');
        int requests = random.Next(1, 200);
        double rate = 0.5 + (random.NextDouble() * 30);
        bool burst = Maybe(0.2);
        long t = random.Next(0, 1_000_000);
        int meanInput = random.Next(16, 3000), meanOutput = random.Next(1, 600);
        for (int i = 0; i < requests; i++)
        {
            t += burst ? 0 : (long)(-Math.Log(1 - random.NextDouble()) / rate * 1e6);
            int input = Math.Max(1, (int)(meanInput * (0.5 + random.NextDouble())));
            int output = Math.Max(1, (int)(meanOutput * (0.5 + random.NextDouble())));
            long ttft = random.Next(1_000, 3_000_000), e2e = ttft + (long)(output * (2_000 + (random.NextDouble() * 80_000)));
            string status = Maybe(0.9) ? "ok" : Pick(["error", "timeout"]);
            int priority = priorities ? Pick([0, 1, 4, 7]) : 0;
            var cells = new Dictionary<string, string>
            {
                ["request_id"] = i.ToString(CultureInfo.InvariantCulture),
                ["client_id"] = "c" + random.Next(3),
                ["tenant_id"] = "t",
                ["slo_class"] = priority == 0 ? "critical" : "batch",
                ["vllm_priority"] = priority.ToString(CultureInfo.InvariantCulture),
                ["streaming"] = "true",
                ["input_tokens"] = input.ToString(CultureInfo.InvariantCulture),
                ["output_tokens"] = (status == "ok" ? output : 0).ToString(CultureInfo.InvariantCulture),
                ["model"] = model,
                ["deadline_us"] = "0",
                ["slo_target_us"] = "500000",
                ["server_input_tokens"] = serverInput ? (input + random.Next(0, 30)).ToString(CultureInfo.InvariantCulture) : "0",
                ["arrival_time_us"] = t.ToString(CultureInfo.InvariantCulture),
                ["send_time_us"] = (t + random.Next(0, 500)).ToString(CultureInfo.InvariantCulture),
                ["status"] = status,
                ["error_message"] = status == "ok" ? string.Empty : "\"upstream closed, retry\"",
                ["finish_reason"] = status == "ok" ? "length" : string.Empty,
                ["x_request_id"] = Guid.NewGuid().ToString(),
            };
            long send = long.Parse(cells["send_time_us"], CultureInfo.InvariantCulture);
            cells["first_chunk_time_us"] = (status == "ok" ? send + ttft : 0).ToString(CultureInfo.InvariantCulture);
            cells["last_chunk_time_us"] = (status == "ok" ? send + e2e : 0).ToString(CultureInfo.InvariantCulture);
            cells["num_chunks"] = (status == "ok" ? output : 0).ToString(CultureInfo.InvariantCulture);
            text.Append(string.Join(",", columns.Select(c => cells.GetValueOrDefault(c, c is "round_index" or "prefix_length" or "text_tokens" or "image_tokens" or "audio_tokens" or "video_tokens" or "reason_ratio" ? "0" : string.Empty)))).Append('\n');
        }

        string? header = Maybe(0.85)
            ? $"trace_version: 3\ntime_unit: us\nmode: real\nwarm_up_requests: 0\nserver:\n  type: vllm\n{(Maybe(0.8) ? $"  model: {model}\n" : string.Empty)}  tensor_parallel: {Pick([1, 1, 2])}\n  max_num_seqs: {Pick([16, 128, 256])}\n  gpu_memory_utilization: 0.9\n"
            : null;
        var setup = new ServingSetup
        {
            Gpu = Pick(["H100", "A100-80GB", "H200", "L40S"]),
            Model = header is null || Maybe(0.2) ? model : null,
            SchedulingPolicy = Maybe(0.5) ? SchedulingPolicy.Priority : null,
        };
        return (text.ToString(), header, setup);
    }
}
