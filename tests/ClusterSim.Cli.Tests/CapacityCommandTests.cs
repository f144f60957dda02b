using System.Globalization;
using ClusterSim.Core.Catalog;

namespace ClusterSim.Cli.Tests;

[Collection("console")]
public class CapacityCommandTests
{
    private static string[] Rows(string csv) => csv.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    private static double Cell(string row, int column) => double.Parse(row.Split(',')[column], CultureInfo.InvariantCulture);

    [Fact]
    public void Prints_each_accelerator_cheapest_first_and_says_what_it_could_not_price_or_calibrate()
    {
        (int code, string output, string error) = CommandRunner.Run("capacity", "llama-3.1-8b", "DGX-Spark,H100", "--weights", "fp8", "--requests", "800", "--format", "csv");

        Assert.Equal(0, code);
        string[] rows = Rows(output);
        Assert.Equal("accelerator,chips,req/s,out tok/s,tok/s per chip,TTFT p99 ms,TPOT p99 ms,$/chip-h,$ per M out tok,calibration", rows[0]);
        Assert.Equal(3, rows.Length);
        Assert.StartsWith("H100-SXM,1,", rows[1], StringComparison.Ordinal);   // priced, so before the one without a price
        Assert.EndsWith(",hopper-vllm/fp8", rows[1], StringComparison.Ordinal);
        Assert.StartsWith("DGX-Spark,1,", rows[2], StringComparison.Ordinal);
        Assert.EndsWith(",-,-,generic/fp8", rows[2], StringComparison.Ordinal);
        Assert.Contains("warning: DGX-Spark: uncalibrated", error, StringComparison.Ordinal);
        Assert.Contains("note: DGX-Spark has no catalog price", error, StringComparison.Ordinal);
        Assert.Contains("cheapest: H100-SXM at $", error, StringComparison.Ordinal);   // after CSV on standard error: the CSV stays parseable

        // The cost is the price of the replica's accelerators over what it serves an hour; req/s is tokens over the output length.
        double tokens = Cell(rows[1], 3), price = Cell(rows[1], 7), cost = Cell(rows[1], 8);
        Assert.Equal(price / (tokens * 3600) * 1e6, cost, 0.0015);
        Assert.Equal(tokens / 256, Cell(rows[1], 2), 0.01);
        Assert.True(tokens > 1000 && Cell(rows[2], 3) < tokens, "an H100 serves the 8B model faster than a DGX Spark");
    }

    [Fact]
    public void Answers_stopped_at_EOS_serve_fewer_tokens_a_second_than_answers_all_as_long()
    {
        // The same mean output, 256 tokens, stopped at EOS up to 1,024 asked: a third of the answers are shorter than 100
        // tokens and a fiftieth reach the cap, and the replica meets the SLO at a lower load than with every answer 256
        // long (measured on 7 December 2026: 5,249 against 6,206 output tokens a second).
        static double Tokens(params string[] extra)
        {
            (int code, string output, string error) = CommandRunner.Run(["capacity", "llama-3.1-8b", "H100", "--weights", "fp8", "--requests", "800", "--format", "csv", .. extra]);
            Assert.True(code == 0, error);
            return Cell(Rows(output)[1], 3);
        }

        double eos = Tokens("--output-stop", "eos", "--output-max", "1024"), fixedLength = Tokens();
        Assert.True(eos > 500 && eos < fixedLength, $"stopped at EOS {eos} tok/s against {fixedLength} all alike");
    }

    [Fact]
    public void SGLang_reading_new_requests_every_thirty_steps_keeps_first_tokens_waiting()
    {
        // The same SGLang replica read every step and every thirtieth: the load it serves barely moves, its p99 first token
        // waits some thirty decode steps longer (measured on 7 December 2026: 138 against 704 ms).
        static string[] Row(params string[] extra)
        {
            (int code, string output, string error) = CommandRunner.Run(["capacity", "llama-3.1-8b", "H100", "--weights", "fp8", "--engine", "sglang", "--requests", "800", "--format", "csv", .. extra]);
            Assert.True(code == 0, error);
            return Rows(output)[1].Split(',');
        }

        string[] everyStep = Row(), everyThirtieth = Row("--scheduler-recv-interval", "30");
        double ttft = double.Parse(everyStep[5], CultureInfo.InvariantCulture), gated = double.Parse(everyThirtieth[5], CultureInfo.InvariantCulture);
        double tpot = double.Parse(everyThirtieth[6], CultureInfo.InvariantCulture);
        Assert.True(gated > ttft + (15 * tpot), $"p99 TTFT {gated} ms read every thirtieth step against {ttft} every step");
    }

    [Fact]
    public void A_prefill_decode_unit_is_priced_for_both_parts_and_says_each_pools_busy_share()
    {
        (int code, string output, string error) = CommandRunner.Run("capacity", "llama-3.1-8b", "H100", "--weights", "fp8", "--tp", "1", "--requests", "800",
            "--disaggregate", "2:3", "--decode-hardware", "H200", "--format", "csv");

        Assert.True(code == 0, error);
        string[] rows = Rows(output);
        Assert.Equal("accelerator,unit,prefill / decode busy,chips,req/s,out tok/s,tok/s per chip,TTFT p99 ms,TPOT p99 ms,$/chip-h (mean),$ per M out tok,calibration", rows[0]);
        string[] cells = rows[1].Split(',');
        Assert.Equal(("H100-SXM", "2 prefill + 3 decode on H200", "5"), (cells[0], cells[1], cells[3]));
        Assert.Matches(@"^\d+ / \d+ %$", cells[2]);

        // Two H100 and three H200 an hour, over what the unit serves an hour.
        double h100 = SimCatalog.Default.Hardware.Get("H100-SXM").PricePerHour!.Value, h200 = SimCatalog.Default.Hardware.Get("H200").PricePerHour!.Value;
        double tokens = Cell(rows[1], 5);
        Assert.Equal(((2 * h100) + (3 * h200)) / 5, Cell(rows[1], 9), 0.006);
        Assert.Equal(((2 * h100) + (3 * h200)) / (tokens * 3600) * 1e6, Cell(rows[1], 10), 0.0015);
    }

    [Fact]
    public void A_searched_split_is_said_in_a_note_and_shown_in_the_unit_column()
    {
        (int code, string output, string error) = CommandRunner.Run("capacity", "llama-3.1-8b", "H100", "--weights", "fp8", "--tp", "1", "--requests", "300",
            "--prompt", "3000", "--output", "200", "--tpot", "0.03", "--disaggregate", "auto", "--format", "csv");

        Assert.True(code == 0, error);
        Assert.Matches(@"note: H100-SXM: split (\d):(\d), the cheapest per million output tokens of the splits of 4 replicas tried \(1:3: \$", error);
        var note = System.Text.RegularExpressions.Regex.Match(error, @"split (\d):(\d),");
        Assert.StartsWith($"H100-SXM,{note.Groups[1].Value} prefill + {note.Groups[2].Value} decode,", Rows(output)[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--disaggregate", "3", "error: --disaggregate: expected PREFILL:DECODE replicas")]
    [InlineData("--disaggregate", "0:2", "error: --disaggregate: expected PREFILL:DECODE replicas")]
    [InlineData("--disaggregate", "auto:1", "error: --disaggregate: expected PREFILL:DECODE replicas, two whole numbers of at least 1 (3:5), or auto[:N] with N from 2 to 16")]
    [InlineData("--decode-tp", "2", "error: --decode-tp: applies to a disaggregated unit")]
    [InlineData("--kv-link", "50", "error: --kv-link: applies to a disaggregated unit")]
    [InlineData("--max-local-prefill", "1000", "error: --max-local-prefill: applies to a disaggregated unit")]
    [InlineData("--max-prefill-queue", "2", "error: --max-prefill-queue: applies to a disaggregated unit")]
    [InlineData("--max-prefill-queue", "-1", "error: --max-prefill-queue: expected a number of requests ≥ 0, got -1", "--disaggregate", "1:3")]
    [InlineData("--max-local-prefill", "-5", "error: --max-local-prefill: expected a number of tokens ≥ 0, got -5", "--disaggregate", "1:3")]
    public void A_unit_option_out_of_place_or_shape_is_refused_by_name(string option, string value, string message, params string[] more)
    {
        (int code, _, string error) = CommandRunner.Run(["capacity", "llama-3.1-8b", "H100", option, value, .. more]);
        Assert.Equal(2, code);
        Assert.StartsWith(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tighter_SLO_never_raises_capacity_and_headroom_raises_the_price_of_a_token()
    {
        (_, string loose, _) = CommandRunner.Run("capacity", "llama-3.1-8b", "H100", "--weights", "fp8", "--requests", "800", "--format", "csv");
        (_, string tight, _) = CommandRunner.Run("capacity", "llama-3.1-8b", "H100", "--weights", "fp8", "--requests", "800", "--ttft", "0.12", "--format", "csv");
        (_, string spare, _) = CommandRunner.Run("capacity", "llama-3.1-8b", "H100", "--weights", "fp8", "--requests", "800", "--headroom", "0.2", "--price-per-hour", "3", "--format", "csv");

        Assert.True(Cell(Rows(tight)[1], 3) < Cell(Rows(loose)[1], 3), $"{tight}\n{loose}");
        Assert.True(Cell(Rows(tight)[1], 5) <= 150, tight);   // its TTFT p99 near the tighter bound
        Assert.Equal(3, Cell(Rows(spare)[1], 7));
        Assert.Equal(3 / (Cell(Rows(spare)[1], 3) * 0.8 * 3600) * 1e6, Cell(Rows(spare)[1], 8), 0.0015);
    }

    [Fact]
    public void A_calibration_file_of_ones_own_replaces_the_shipped_row()
    {
        // The shipped hopper-vllm/fp8 row with GEMMs at 0.3 of the FP8 peak instead of its fitted 0.52: prefill is slower,
        // so the replica holds the SLO at a lower rate.
        string[] lines = File.ReadAllLines(CommandRunner.RepositoryFile("src", "ClusterSim.Core", "Catalog", "Data", "calibration.csv"));
        string[] header = lines[0].Split(',');
        string row = lines.First(l => l.StartsWith("hopper-vllm,fp8,", StringComparison.Ordinal));
        string[] cells = row.Split(',');
        cells[Array.IndexOf(header, "gemm_efficiency")] = "0.3";
        string file = Path.Combine(Path.GetTempPath(), $"capacity-calibration-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(file, [lines[0], string.Join(',', cells)]);
        try
        {
            (_, string shipped, _) = CommandRunner.Run("capacity", "llama-3.1-8b", "H100", "--weights", "fp8", "--requests", "500", "--format", "csv");
            (int code, string own, _) = CommandRunner.Run("capacity", "llama-3.1-8b", "H100", "--weights", "fp8", "--requests", "500", "--calibration", file, "--format", "csv");
            Assert.Equal(0, code);
            Assert.True(Cell(Rows(own)[1], 3) < 0.9 * Cell(Rows(shipped)[1], 3), $"{own}\n{shipped}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Log_normal_lengths_of_the_same_means_cost_capacity_and_are_said_in_the_title()
    {
        // Spread lengths: long prompts stall the batch and long outputs hold it, so at the same means and SLO a replica
        // serves less and its first tokens' tail is longer than with every request alike.
        string[] common = ["capacity", "llama-3.1-8b", "H100", "--weights", "fp8", "--requests", "800", "--ttft", "0.5"];
        (_, string alike, _) = CommandRunner.Run([.. common, "--format", "csv"]);
        (int code, string spread, string error) = CommandRunner.Run([.. common, "--prompt-median", "512", "--output-median", "128", "--format", "csv"]);
        (_, string table, _) = CommandRunner.Run([.. common, "--prompt-median", "512", "--output-median", "128", "--output-max", "1000", "--format", "table"]);

        Assert.Equal(0, code);
        Assert.DoesNotContain("error", error, StringComparison.Ordinal);
        Assert.True(Cell(Rows(spread)[1], 3) < Cell(Rows(alike)[1], 3), $"{spread}\n{alike}");
        // Requests per second are by the run's own mean output, which the cap at eight times the mean keeps just below 256.
        double perRequest = Cell(Rows(spread)[1], 3) / Cell(Rows(spread)[1], 2);
        Assert.InRange(perRequest, 200, 256);
        Assert.Contains("prompts log-normal (mean 1024, median 512", table, StringComparison.Ordinal);   // the title (CapacityQueryTests hold its whole text)
    }

    [Fact]
    public void A_speculating_replica_is_measured_from_the_command_line()
    {
        // Three drafted tokens at 60 % acceptance: a step yields about two tokens a sequence, so the replica serves more
        // within the same TPOT target than without, and an acceptance of 0 serves less (it pays the drafts for nothing).
        string[] common = ["capacity", "llama-3.1-8b", "H100", "--weights", "fp8", "--requests", "600", "--format", "csv"];
        double Tokens(params string[] extra)
        {
            (int code, string output, string error) = CommandRunner.Run([.. common, .. extra]);
            Assert.True(code == 0, error);
            return Cell(Rows(output)[1], 3);
        }

        double plain = Tokens(), speculating = Tokens("--speculative", "eagle:3:0.6"), wasted = Tokens("--speculative", "eagle:3:0");
        Assert.True(speculating > plain, $"{speculating} against {plain}");
        Assert.True(wasted < plain, $"{wasted} against {plain}");
    }

    [Fact]
    public void A_demand_trace_adds_the_fleet_each_accelerator_needs_for_it()
    {
        // Two hours: 1,000 then 4,000 output tokens a second.
        string trace = Path.Combine(Path.GetTempPath(), $"capacity-demand-{Guid.NewGuid():N}.csv");
        File.WriteAllText(trace, "hour,output_tokens_per_s\n0,1000\n1,4000\n");
        try
        {
            (int code, string output, string error) = CommandRunner.Run("capacity", "llama-3.1-8b", "H100,L40S", "--weights", "fp8", "--requests", "800", "--headroom", "0.2", "--demand", trace, "--format", "csv");
            Assert.True(code == 0, error);
            string[] rows = Rows(output);
            Assert.EndsWith(",calibration,demand: peak chips,mean chips,rented $/M tok,owned $/M tok", rows[0], StringComparison.Ordinal);
            Assert.Contains("note: --demand: capacity-demand-", error, StringComparison.Ordinal);
            Assert.Contains("spans 2 hours in 2 steps, 2,500 output tokens a second on average and 4,000 at its peak", error, StringComparison.Ordinal);
            Assert.Contains("for the demand: renting, ", error, StringComparison.Ordinal);
            foreach (string row in rows.Skip(1))
            {
                // One chip a replica: the peak hour needs ⌈4,000 / (0.8 · tok/s)⌉, the first ⌈1,000 / (0.8 · tok/s)⌉.
                double tokens = Cell(row, 3), price = Cell(row, 7);
                int peak = (int)Math.Ceiling(4000 / (0.8 * tokens)), first = (int)Math.Ceiling(1000 / (0.8 * tokens));
                Assert.Equal(peak, Cell(row, 10));
                Assert.Equal((peak + first) / 2.0, Cell(row, 11), 0.05);
                Assert.Equal(price * (peak + first) / (5000 * 3600.0) * 1e6, Cell(row, 12), 0.0015);
                Assert.Equal(price * peak * 2 / (5000 * 3600.0) * 1e6, Cell(row, 13), 0.0015);
            }
        }
        finally
        {
            File.Delete(trace);
        }
    }

    [Theory]
    [InlineData(new[] { "llama-3.1-8b", "H100", "--demand", "/nonexistent/traffic.csv" }, "error: --demand: /nonexistent/traffic.csv: file not found")]
    [InlineData(new[] { "llama-3.1-8b", "H100", "--prompt-max", "4000" }, "error: --prompt-max: applies to log-normal lengths; give --prompt-median too")]
    [InlineData(new[] { "llama-3.1-8b", "H100", "--prompt-median", "0" }, "error: --prompt-median: expected a number of tokens > 0, got 0")]
    [InlineData(new[] { "llama-3.1-8b", "H100", "--output-median", "300" }, "error: H100: --output-median: a log-normal's median (300) cannot exceed its mean (256)")]
    [InlineData(new[] { "llama-3.1-8b", "H100", "--output-stop", "eos" }, "error: H100: --output-max: answers stopped at EOS need max: the tokens each request asks for")]
    [InlineData(new[] { "llama-3.1-8b", "H100", "--output-stop", "eos", "--output-max", "200" }, "error: H100: --output: answers stopped at EOS average at most the 200 tokens asked for (mean 256)")]
    [InlineData(new[] { "llama-3.1-8b", "H100", "--output-stop", "length", "--output-max", "512" }, "error: --output-stop: expected eos")]
    [InlineData(new[] { "llama-3.1-8b", "H100", "--output-stop", "eos", "--output-max", "512", "--output-median", "100" }, "error: --output-stop: answers stopped at EOS have the spread of their stopping")]
    [InlineData(new[] { "llama-3.1-8b", "H100", "--output-max", "512" }, "error: --output-max: applies to log-normal lengths; give --output-median too (or --output-stop eos)")]
    [InlineData(new[] { "llama-3.1-8b", "H100", "--scheduler-recv-interval", "10" }, "error: H100: --scheduler-recv-interval: is SGLang's --scheduler-recv-interval; engine vllm reads new requests every step")]
    [InlineData(new[] { "llama-3.1-8b", "H100", "--engine", "sglang", "--scheduler-recv-interval", "0" }, "error: H100: --scheduler-recv-interval: 0 is out of range")]
    [InlineData(new[] { "llama-3.1-8b", "H100", "--calibration", "/nonexistent/cal.csv" }, "error: H100: --calibration: cannot read")]
    [InlineData(new[] { "llama-3.1-8bb", "H100" }, "error: H100: MODEL: unknown model 'llama-3.1-8bb' — did you mean 'llama-3.1-8b'?")]
    [InlineData(new[] { "llama-3.1-8b", "H10" }, "error: H10: HARDWARE: unknown hardware 'H10' — did you mean 'H100-SXM'?")]
    [InlineData(new[] { "llama-3.1-8b", "H100", "--tp", "3" }, "error: H100: --tp 3 does not divide the 32 attention heads of llama-3.1-8b")]
    [InlineData(new[] { "llama-3.1-8b", "H100", "--weights", "fp7" }, "error: H100: --weights:")]
    [InlineData(new[] { "llama-2-7b", "H100", "--prompt", "4000", "--output", "500" }, "error: H100: --prompt: every request (4,000 prompt tokens and 500 output tokens) is longer than llama-2-7b's context of 4,096 tokens, so the server would refuse each; shorten them, or set --max-model-len if the server was started with a longer one")]
    [InlineData(new[] { "llama-2-7b", "H100", "--max-model-len", "-5" }, "error: H100: --max-model-len: -5 is out of range")]
    [InlineData(new[] { "llama-3.1-8b", "H100,L4", "--price-per-hour", "2" }, "error: --price-per-hour: applies to one accelerator")]
    [InlineData(new[] { "llama-3.1-8b", "H100", "--headroom", "1" }, "error: --headroom: expected a share in [0, 1)")]
    [InlineData(new[] { "llama-3.1-8b", "H100", "--speculative", "eagle:3" }, "error: --speculative: 'eagle:3' is not METHOD:TOKENS:ACCEPTANCE[:DRAFT_MODEL]")]
    [InlineData(new[] { "llama-3.1-8b", "H100", "--speculative", "eagle:3:1.5" }, "error: H100: --speculative: 1.5 is out of range; expected a number in [0, 1]")]
    [InlineData(new[] { "llama-3.1-8b", "H100", "--speculative", "medusa:3:0.5" }, "error: H100: --speculative: unknown value 'medusa'")]
    public void Bad_input_exits_2_naming_the_option(string[] arguments, string message)
    {
        (int code, _, string error) = CommandRunner.Run(["capacity", .. arguments, "--requests", "300"]);
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);   // no stack trace
    }

    [Fact]
    public void An_SLO_no_load_meets_is_said_and_exits_1()
    {
        (int code, string output, string error) = CommandRunner.Run("capacity", "llama-3.1-8b", "H100", "--ttft", "0.001", "--requests", "300");
        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Contains("not measured: H100-SXM: serving: llama-3.1-8b on H100-SXM cannot serve 95 % of requests within the SLO", error, StringComparison.Ordinal);
    }
}
