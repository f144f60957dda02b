using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using YamlDotNet.RepresentationModel;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// A trace BLIS's <c>blis observe</c> recorded against a real server (its TraceV2: a data CSV, one row a request, and a
/// header YAML beside it naming the server): each request is replayed at the time its client sent it, with its own
/// lengths and vLLM priority, and the run is scored on the latencies the client measured. Column names and meanings are
/// BLIS's (inference-sim/inference-sim, sim/workload/tracev2.go); columns are found by name.
/// </summary>
public static class BlisTrace
{
    private static readonly string[] Required = ["request_id", "input_tokens", "output_tokens", "send_time_us", "first_chunk_time_us", "last_chunk_time_us", "status"];

    /// <summary>True when <paramref name="text"/> is a TraceV2 data CSV (its header row begins as BLIS writes it).</summary>
    public static bool Holds(string text) => text.StartsWith("request_id,client_id,tenant_id,slo_class", StringComparison.Ordinal);

    /// <summary>
    /// The trace as a measured run: its requests (successful ones, in sending order), their measured TTFT, ITL and E2E,
    /// and the server from <paramref name="headerText"/> (the header YAML; null when none was found) or the command line;
    /// with several vLLM priorities, a row for each priority's requests follows the run's.
    /// Throws <see cref="CatalogException"/> naming the file, line and column of what it cannot read.
    /// </summary>
    public static IReadOnlyList<MeasuredRun> Read(string dataText, string dataName, string? headerText, string headerName, ServingSetup setup)
    {
        Server server = headerText is null ? default : ReadHeader(headerText, headerName);
        CsvTable table = CsvTable.Parse(new StringReader(dataText), dataName);
        foreach (string column in Required)
        {
            if (!table.HasColumn(column))
            {
                throw new CatalogException(dataName, 1, column, $"the header has no '{column}' column; a BLIS trace (TraceV2) has {string.Join(", ", Required)}");
            }
        }

        var sent = new List<(long SendUs, int Prompt, int Output, long FirstUs, long LastUs, int Priority)>();
        int timedOut = 0, failed = 0;
        foreach ((int line, string[] cells) in table.Rows)
        {
            string status = table.Cell(cells, "status");
            if (!status.Equals("ok", StringComparison.OrdinalIgnoreCase))
            {
                // An error or a timeout: the client measured no latency for it. Only timeouts say the server was too slow.
                timedOut += status.Equals("timeout", StringComparison.OrdinalIgnoreCase) ? 1 : 0;
                failed++;
                continue;
            }

            long Time(string column) => Whole(table, cells, line, column, min: 0);
            int server_input = table.HasColumn("server_input_tokens") ? (int)Whole(table, cells, line, "server_input_tokens", min: 0, optional: true) : 0;
            int prompt = server_input > 0 ? server_input : (int)Whole(table, cells, line, "input_tokens", min: 1);
            int output = (int)Whole(table, cells, line, "output_tokens", min: 1);
            long send = Time("send_time_us"), first = Time("first_chunk_time_us"), last = Time("last_chunk_time_us");
            if (first < send || last < first)
            {
                throw new CatalogException(dataName, line, "first_chunk_time_us", $"times out of order: sent at {send}, first chunk at {first}, last at {last} µs");
            }

            int priority = table.HasColumn("vllm_priority") ? (int)Whole(table, cells, line, "vllm_priority", min: int.MinValue, optional: true) : 0;
            sent.Add((send, prompt, output, first, last, priority));
        }

        if (sent.Count == 0)
        {
            throw new CatalogException(dataName, 1, "status", $"no request of the trace completed ('ok'): {failed} failed, so there is nothing to compare against");
        }

        sent.Sort((a, b) => a.SendUs.CompareTo(b.SendUs));
        long start = sent[0].SendUs;
        int[] priorities = [.. sent.Select(r => r.Priority).Distinct().Order()];
        string ClassName(int p) => $"priority{p}".Replace('-', 'm');
        var classes = priorities.Select(p => new RequestClass(ClassName(p), sent.Count(r => r.Priority == p) / (double)sent.Count, p)).ToList();
        if (classes.Count > 1)
        {
            // The shares are counts over the total; the last takes rounding's remainder so they sum to 1 exactly.
            classes[^1] = classes[^1] with { Share = 1 - classes.Take(classes.Count - 1).Sum(c => c.Share) };
        }

        var records = sent.Select(r => new TraceRecord((r.SendUs - start) * 1000, r.Prompt, r.Output) { Class = classes.Count > 1 ? Array.IndexOf(priorities, r.Priority) : -1 }).ToList();
        double seconds = (sent.Max(r => r.LastUs) - start) / 1e6;

        string model = setup.Model ?? server.Model ?? throw new CatalogException(headerName, 1, "server.model", "names no model: give --model, or the header YAML with --trace-header (none was found beside the trace, or it is silent)");
        string gpu = setup.Gpu ?? throw new CatalogException(dataName, 1, null, "a BLIS trace does not record the accelerator: give --gpu (and --tp, --dtype as the server was launched)");
        MeasuredRun run = Measured(setup.Run(1, Path.GetFileNameWithoutExtension(dataName), model, gpu), sent) with
        {
            TensorParallel = setup.TensorParallel > 1 ? setup.TensorParallel : server.TensorParallel ?? 1,
            MaxSequences = setup.MaxSequences ?? server.MaxSequences,
            GpuMemoryUtilization = setup.GpuMemoryUtilization ?? server.GpuMemoryUtilization,
            MaxModelLength = server.MaxModelLength,
            Arrival = "trace",
            Requests = sent.Count,
            FailedRequests = timedOut,
            DurationSeconds = seconds,
            InputTokens = sent.Average(r => r.Prompt),
            OutputTokens = sent.Average(r => r.Output),
            OutputSource = "measured (server usage)",
            Lengths = new RequestLengths.Traced(records),
            Classes = classes.Count > 1 ? classes : [],
            ThroughputTokensPerSecond = seconds > 0 ? sent.Sum(r => (double)r.Output) / seconds : null,
            Notes = $"BLIS trace of {sent.Count} requests sent over {seconds:0.#} s{(failed > 0 ? $", {failed} failed ({timedOut} timed out) and left out" : string.Empty)}{(classes.Count > 1 ? $", {classes.Count} vLLM priorities" : string.Empty)}",
        };

        // With priorities, each class's requests are a row of their own beside the run's (not in its headline errors).
        var rows = new List<MeasuredRun> { run };
        if (classes.Count > 1)
        {
            rows.AddRange(priorities.Select(p => Measured(run, sent.Where(r => r.Priority == p).ToList()) with
            {
                Stage = ClassName(p),
                Class = ClassName(p),
                Requests = sent.Count(r => r.Priority == p),
                ThroughputTokensPerSecond = null,
                Notes = $"the trace's requests of vLLM priority {p}",
            }));
        }

        return rows;
    }

    /// <summary><paramref name="run"/> with the latencies its client measured for <paramref name="requests"/>, ms.</summary>
    private static MeasuredRun Measured(MeasuredRun run, List<(long SendUs, int Prompt, int Output, long FirstUs, long LastUs, int Priority)> requests)
    {
        double[] ttft = [.. requests.Select(r => (r.FirstUs - r.SendUs) / 1e3)];
        double[] e2e = [.. requests.Select(r => (r.LastUs - r.SendUs) / 1e3)];
        var latencies = new RequestLatencies(ttft, e2e);
        double[] tpot = [.. requests.Where(r => r.Output > 1).Select(r => (r.LastUs - r.FirstUs) / 1e3 / (r.Output - 1))];
        return run with
        {
            TtftMs = ttft.Average(),
            TtftP50Ms = latencies.Ttft(50),
            TtftP90Ms = latencies.Ttft(90),
            TtftP99Ms = latencies.Ttft(99),
            E2eMs = e2e.Average(),
            E2eP90Ms = latencies.E2e(90),
            E2eP99Ms = latencies.E2e(99),
            ItlMs = tpot.Length == 0 ? null : tpot.Average(),
        };
    }

    /// <summary>What the header YAML says about the server (each null when it is silent).</summary>
    private readonly record struct Server(string? Model, int? TensorParallel, int? MaxSequences, double? GpuMemoryUtilization, int? MaxModelLength);

    private static Server ReadHeader(string text, string name)
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new CatalogException(name, (int)e.Start.Line, null, $"not a readable YAML header: {e.Message}");
        }

        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root || !root.Children.ContainsKey("trace_version"))
        {
            throw new CatalogException(name, 1, "trace_version", "is not a BLIS trace header (no trace_version)");
        }

        string? mode = (root.Children.TryGetValue("mode", out YamlNode? m) ? m as YamlScalarNode : null)?.Value;
        if (mode is not null and not "real")
        {
            throw new CatalogException(name, 1, "mode", $"the trace is '{mode}', not 'real': its latencies are a simulator's, not a server's measurements");
        }

        if (!root.Children.TryGetValue("server", out YamlNode? s) || s is not YamlMappingNode server)
        {
            return default;
        }

        string? Text(string key) => server.Children.TryGetValue(key, out YamlNode? v) && v is YamlScalarNode { Value: { Length: > 0 } t } ? t : null;
        double? Number(string key) => Text(key) is { } t
            ? double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v > 0 ? v
                : throw new CatalogException(name, (int)server.Start.Line, $"server.{key}", $"'{t}' is not a positive number")
            : null;
        return new Server(Text("model"), (int?)Number("tensor_parallel"), (int?)Number("max_num_seqs"), Number("gpu_memory_utilization"), (int?)Number("max_model_len"));
    }

    private static long Whole(CsvTable table, string[] cells, int line, string column, long min, bool optional = false)
    {
        string text = table.Cell(cells, column);
        if (text.Length == 0 && optional)
        {
            return 0;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) || value < min)
        {
            throw new CatalogException(table.Source, line, column, $"'{text}' is not a whole number{(min > long.MinValue && min != int.MinValue ? $" of at least {min}" : string.Empty)}");
        }

        return value;
    }
}
