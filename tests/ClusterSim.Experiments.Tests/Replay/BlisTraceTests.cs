using System.Globalization;
using System.Text;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Experiments.Replay;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// BLIS's TraceV2 (a <c>blis observe</c> data CSV and its header YAML) read and replayed: the measured figures computed from
/// each request's times, the requests sent when their clients sent them, priorities kept, and bad input refused at its line.
/// </summary>
public class BlisTraceTests
{
    private const string Columns = "request_id,client_id,tenant_id,slo_class,vllm_priority,session_id,round_index,prefix_group,prefix_length,streaming,input_tokens,output_tokens,text_tokens,image_tokens,audio_tokens,video_tokens,reason_ratio,model,deadline_us,server_input_tokens,arrival_time_us,send_time_us,first_chunk_time_us,last_chunk_time_us,num_chunks,status,error_message,finish_reason";

    private const string Header = """
        trace_version: 3
        time_unit: us
        mode: real
        warm_up_requests: 0
        server:
          type: vllm
          model: meta-llama/Llama-3.1-8B-Instruct
          tensor_parallel: 1
          max_num_seqs: 64
          gpu_memory_utilization: 0.9
          max_model_len: 8192
        """;

    private static readonly ServingSetup OnH100 = new() { Gpu = "H100" };

    /// <summary>A request as the trace writes it: sent at <paramref name="sendUs"/>, its first and last chunks after.</summary>
    private static string Row(int id, long sendUs, int input, int output, long ttftUs, long e2eUs, int priority = 0, string status = "ok", string error = "") =>
        string.Create(CultureInfo.InvariantCulture,
            $"{id},c1,t1,{(priority == 0 ? "critical" : "batch")},{priority},,0,,0,true,{input},{output},{input},0,0,0,0,meta-llama/Llama-3.1-8B-Instruct,0,0,{sendUs},{sendUs},{sendUs + ttftUs},{sendUs + e2eUs},{output},{status},{error},length");

    private static string Trace(IEnumerable<string> rows) => Columns + "\n" + string.Join("\n", rows) + "\n";

    private static ReplayOutcome Replay(string trace, ServingSetup? setup = null) =>
        Assert.Single(ReplayReport.Run(BlisTrace.Read(trace, "trace.csv", Header, "trace.yaml", setup ?? OnH100), SimCatalog.Default).Outcomes);

    private static MeasuredRun Read(string trace, ServingSetup? setup = null) => BlisTrace.Read(trace, "trace.csv", Header, "trace.yaml", setup ?? OnH100)[0];

    [Fact]
    public void The_measured_figures_come_from_each_requests_times()
    {
        string trace = Trace([
            Row(0, 1_000_000, 500, 101, 40_000, 1_040_000),
            Row(1, 2_000_000, 700, 201, 60_000, 2_060_000),
            Row(2, 3_000_000, 900, 51, 80_000, 580_000, status: "error", error: "\"upstream reset, retry\""),
            Row(3, 4_000_000, 300, 11, 20_000, 120_000, status: "timeout"),
        ]);
        MeasuredRun run = Read(trace);
        Assert.Equal("meta-llama/Llama-3.1-8B-Instruct", run.Model);   // from the header YAML
        Assert.Equal(64, run.MaxSequences);
        Assert.Equal(2, run.Requests);
        Assert.Equal(1, run.FailedRequests);   // the timeout; the error is left out but says nothing of the server's speed
        Assert.Equal(50, run.TtftMs);
        Assert.Equal(1550, run.E2eMs);
        Assert.Equal(600, run.InputTokens);
        Assert.Equal(((1000.0 / 100) + (2000.0 / 200)) / 2, run.ItlMs);   // each request's (last − first) / (output − 1), averaged
        Assert.Equal(302 / 3.06, run.ThroughputTokensPerSecond!.Value, 9);   // 302 tokens from the first send (1 s) to the last chunk (4.06 s)
        Assert.Equal(58, run.TtftP90Ms!.Value, 9);   // numpy's linear percentile of 40 and 60 at 90: 40 + 0.9 × 20
        var lengths = Assert.IsType<RequestLengths.Traced>(run.Lengths);
        Assert.Equal([0L, 1_000_000_000L], lengths.Records.Select(r => r.OffsetNanos));
    }

    [Fact]
    public void A_trace_of_the_simulators_own_latencies_replays_to_itself()
    {
        // Requests a minute apart never meet: each takes what one request alone takes. Record that as the measurement and
        // the replay must give it back.
        string[] Rows(Func<int, (long Ttft, long E2e)> latency) =>
            [.. Enumerable.Range(0, 20).Select(i => Row(i, 60_000_000L * i, 400 + (40 * i), 30 + (10 * i), latency(i).Ttft, latency(i).E2e))];
        var alone = new List<(long, long)>();
        foreach (int i in Enumerable.Range(0, 20))
        {
            SimulatedStage one = Replay(Trace([Row(0, 0, 400 + (40 * i), 30 + (10 * i), 1, 2)])).Simulated;
            alone.Add(((long)Math.Round(one.TtftMs * 1e3), (long)Math.Round(one.E2eMs * 1e3)));
        }

        ReplayOutcome outcome = Replay(Trace(Rows(i => alone[i])));
        Assert.InRange(outcome.TtftError, -0.001, 0.001);
        Assert.InRange(outcome.E2eError, -0.001, 0.001);
        Assert.InRange(outcome.ItlError, -0.001, 0.001);
        Assert.Equal(20, outcome.Simulated.Requests);
    }

    [Fact]
    public void Requests_are_sent_when_their_clients_sent_them()
    {
        // The same forty requests spread over forty seconds, and sent in one burst: only the burst queues.
        string Sent(Func<int, long> at) => Trace(Enumerable.Range(0, 40).Select(i => Row(i, at(i), 2000, 64, 50_000, 1_000_000)));
        SimulatedStage spread = Replay(Sent(i => 1_000_000L * i)).Simulated;
        SimulatedStage burst = Replay(Sent(_ => 0)).Simulated;
        Assert.True(burst.TtftMs > 3 * spread.TtftMs, $"burst TTFT {burst.TtftMs:F0} ms against {spread.TtftMs:F0} ms spread");
    }

    [Fact]
    public void Priorities_become_request_classes_each_compared_in_a_row_of_its_own()
    {
        // Thirty requests at once, a third of them urgent, on a server of four sequences: by priority the urgent ones go first.
        string trace = Trace(Enumerable.Range(0, 30).Select(i => Row(i, 0, 1500, 200, 10_000 + (1000 * i), 3_000_000 + (1000 * i), priority: i % 3 == 0 ? 0 : 4)));
        ServingSetup priority = OnH100 with { SchedulingPolicy = SchedulingPolicy.Priority, MaxSequences = 4 };
        IReadOnlyList<MeasuredRun> rows = BlisTrace.Read(trace, "trace.csv", Header, "trace.yaml", priority);
        Assert.Equal(["all", "priority0", "priority4"], rows.Select(r => r.Stage));
        Assert.Equal([new RequestClass("priority0", 10 / 30.0, 0), new RequestClass("priority4", 1 - (10 / 30.0), 4)], rows[0].Classes);
        Assert.Equal(Enumerable.Range(0, 30).Where(i => i % 3 == 0).Average(i => 10.0 + i), rows[1].TtftMs!.Value, 9);   // the urgent ones' own
        var records = ((RequestLengths.Traced)rows[0].Lengths!).Records;
        Assert.Equal(10, records.Count(r => r.Class == 0));
        Assert.Equal(20, records.Count(r => r.Class == 1));

        ReplayReport report = ReplayReport.Run(rows, SimCatalog.Default);
        ReplayOutcome all = report.Outcomes.Single(o => o.Row.Class.Length == 0), urgent = report.Outcomes.Single(o => o.Row.Class == "priority0"), rest = report.Outcomes.Single(o => o.Row.Class == "priority4");
        Assert.Equal(SchedulingPolicy.Priority, all.Case.Scheduler.Policy);
        Assert.Equal(4, all.Case.Scheduler.MaxSequences);
        Assert.True(all.Scored && !urgent.Scored && !rest.Scored, "only the run's own row counts in the headline errors");
        Assert.Equal(10, urgent.Simulated.Requests);
        Assert.True(urgent.Simulated.TtftMs * 2 < rest.Simulated.TtftMs, $"urgent TTFT {urgent.Simulated.TtftMs:F0} ms against {rest.Simulated.TtftMs:F0} ms");
    }

    [Theory]
    [InlineData("mode: real", "mode: generated", "trace.yaml", "simulator")]
    [InlineData("send_time_us,", "sent_at_us,", "trace.csv", "send_time_us")]
    [InlineData("1000000,1000000,1040000", "1000000,1000000,990000", "trace.csv:2", "out of order")]
    [InlineData(",500,101,", ",five hundred,101,", "trace.csv:2", "whole number")]
    public void Bad_input_is_refused_with_its_file_and_line(string from, string to, string where, string message)
    {
        string trace = Trace([Row(0, 1_000_000, 500, 101, 40_000, 1_040_000)]);
        string header = Header;
        if (from.StartsWith("mode", StringComparison.Ordinal))
        {
            header = header.Replace(from, to, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains(from, trace, StringComparison.Ordinal);
            trace = trace.Replace(from, to, StringComparison.Ordinal);
        }

        CatalogException e = Assert.Throws<CatalogException>(() => BlisTrace.Read(trace, "trace.csv", header, "trace.yaml", OnH100)[0]);
        Assert.Contains(where, e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trace_without_an_accelerator_asks_for_one()
    {
        CatalogException e = Assert.Throws<CatalogException>(() => Read(Trace([Row(0, 0, 500, 101, 40_000, 1_040_000)]), new ServingSetup()));
        Assert.Contains("--gpu", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_a_trace_header_row_is_taken_for_a_trace()
    {
        Assert.True(BlisTrace.Holds(Columns + "\n"));
        Assert.False(BlisTrace.Holds("exp_id,set,stage,workload\n"));
        Assert.False(BlisTrace.Holds(new StringBuilder("{\"date\": 1}").ToString()));
    }
}
