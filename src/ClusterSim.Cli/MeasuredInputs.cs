using ClusterSim.Core.Inference;
using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Replay;

namespace ClusterSim.Cli;

/// <summary>
/// The measured-runs arguments `replay` and `calibrate` share: CSV files (the layout of vllm-measured-calibration.csv)
/// or vLLM and SGLang benchmark result JSON files, with the server set-up a JSON result does not record.
/// </summary>
internal sealed class MeasuredInputs
{
    private readonly Argument<string[]> _files = new("measured") { Description = "Measured runs: CSV files (the layout of vllm-measured-calibration.csv), vLLM or SGLang benchmark results (.json or .jsonl: one result a file or a line), the summary those benchmarks print (a text file with one or more 'Serving Benchmark Result' blocks), trtllm-bench's report (printed, or its --report_json), which records the server too, or AIPerf's or GenAI-Perf's export (profile_export_aiperf.json), LLMPerf's summary (…_summary.json), GuideLLM's report (benchmarks.json: a run each benchmark of its sweep), a stage of inference-perf's report (stage_N_lifecycle_metrics.json: a run each stage), vLLM's offline throughput benchmark (vllm bench throughput: its printout, or its --output-json with --input-len and --output-len) and latency benchmark (vllm bench latency, with --batch-size, --input-len and --output-len), SGLang's (bench_offline_throughput: its printout or --result-filename), or a BLIS trace (blis observe's TraceV2 data CSV; its header YAML is read from beside it, same name with .yaml), or published results in the layout of inference-results-public.csv (MLPerf Offline and Server rows, trtllm-bench tables, NIM sweeps).", Arity = ArgumentArity.OneOrMore };
    private readonly Option<string?> _gpu = new("--gpu") { Description = "For JSON results: the accelerator the server ran on (an id or alias: H100, A100-80GB, L40S, ...)." };
    private readonly Option<string?> _model = new("--model") { Description = "For JSON results and printed summaries: the model served (SGLang's results and printed summaries do not record it; overrides vLLM's model_id)." };
    private readonly Option<int> _tp = new("--tp") { Description = "For JSON results: tensor-parallel size.", DefaultValueFactory = _ => 1 };
    private readonly Option<int> _dp = new("--dp") { Description = "For JSON results: data-parallel replicas.", DefaultValueFactory = _ => 1 };
    private readonly Option<string> _dtype = new("--dtype") { Description = "For JSON results: weight format (FP16, BF16, FP8, INT8, INT4).", DefaultValueFactory = _ => "BF16" };
    private readonly Option<string?> _headWeights = new("--head-weights") { Description = "For JSON results: the format the checkpoint keeps its embedding tables (input embedding, LM head) in: bf16, fp8, int8, int4 (16 bits beside quantised layers when omitted, as llm-compressor, AWQ, GPTQ and ModelOpt leave them)." };
    private readonly Option<double?> _weightBits = new("--weight-bits") { Description = "For JSON results: bits a stored layer weight takes with its format's scales (4.125 for 4-bit GPTQ/AWQ, 4.5 for NVFP4, 4.25 for MXFP4; the format's convention when omitted)." };
    private readonly Option<int?> _maxSeqs = new("--max-num-seqs") { Description = "For JSON results: vLLM's max_num_seqs (its default when omitted)." };
    private readonly Option<int?> _maxTokens = new("--max-num-batched-tokens") { Description = "For JSON results: vLLM's max_num_batched_tokens (its default when omitted)." };
    private readonly Option<double?> _memory = new("--gpu-memory-utilization") { Description = "For JSON results: vLLM's gpu_memory_utilization (0.9 when omitted)." };
    private readonly Option<double?> _offload = new("--kv-offloading-size") { Description = "For JSON results: vLLM's CPU KV offloading size, GiB (off when omitted)." };
    private readonly Option<int?> _maxConcurrency = new("--max-concurrency") { Description = "For results that do not record it (inference-perf's): the most requests the client kept in flight while pacing them (its num_workers x worker_max_concurrency); a request due beyond it waits for one to finish (no cap when omitted)." };
    private readonly Option<bool?> _prefixCaching = new("--enable-prefix-caching") { Description = "For JSON results: true or false, as the server ran (vLLM's --enable-prefix-caching / --no-enable-prefix-caching; the release's default when omitted)." };
    private readonly Option<bool?> _chunkedPrefill = new("--enable-chunked-prefill") { Description = "For JSON results: true or false, as the server ran (vLLM's --enable-chunked-prefill / --no-enable-chunked-prefill; the release's default when omitted)." };
    private readonly Option<bool?> _useV1 = new("--vllm-use-v1") { Description = "For JSON results of vLLM 0.8 to 0.10: false when the server ran with VLLM_USE_V1=0, the V0 engine (its defaults; the release's default engine when omitted)." };
    private readonly Option<int?> _recvInterval = new("--scheduler-recv-interval") { Description = "For SGLang's JSON results: its --scheduler-recv-interval, the decode steps between the scheduler's reads of new requests (1, every step, when omitted)." };
    private readonly Option<string?> _engine = new("--engine") { Description = "For JSON results: the serving engine (vllm, sglang, tensorrt-llm; vllm when omitted)." };
    private readonly Option<string?> _experiments = new("--experiments") { Description = "Keep only these experiments: ids or patterns with * and ?, separated by commas (gs-q235-*-4k,tv-6?)." };
    private readonly Option<string?> _traceHeader = new("--trace-header") { Description = "For a BLIS trace: its header YAML (blis observe's --trace-header), when it is not the trace's own name with .yaml." };
    private readonly Option<string?> _policy = new("--scheduling-policy") { Description = "The server's --scheduling-policy: fcfs (vLLM's default) or priority (requests by their vllm_priority; a BLIS trace records each request's)." };
    private readonly Option<string?> _models = ModelsOption.Create();
    private readonly Option<double?> _inputLen = new("--input-len") { Description = "For vLLM's throughput benchmark's JSON (vllm bench throughput --output-json), which keeps only the total, and its latency benchmark: the prompt tokens of every request, as their --input-len." };
    private readonly Option<double?> _outputLen = new("--output-len") { Description = "For vLLM's throughput benchmark's JSON and its latency benchmark: the output tokens of every request, as their --output-len." };
    private readonly Option<int?> _batchSize = new("--batch-size") { Description = "For vLLM's latency benchmark (vllm bench latency, printed or --output-json), which does not record it: the requests of the batch it timed, as its --batch-size (with --input-len and --output-len)." };
    private readonly Option<string?> _engineVersion = new("--engine-version") { Description = "For JSON results: the engine's release (0.11.0); it picks vLLM's start-up memory profile and, before 0.9, that release's scheduling defaults (V0 before 0.8: prefill-first steps); the newest when omitted." };

    /// <summary>Adds the argument and options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Arguments.Add(_files);
        foreach (Option option in new Option[] { _experiments, _gpu, _model, _tp, _dp, _dtype, _headWeights, _weightBits, _maxSeqs, _maxTokens, _memory, _offload, _prefixCaching, _chunkedPrefill, _maxConcurrency, _engine, _engineVersion, _useV1, _policy, _recvInterval, _traceHeader, _inputLen, _outputLen, _batchSize, _models })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// The files to read: each path as given, a directory as the measured files it holds — inference-perf's stage reports
    /// (<c>stage_N_lifecycle_metrics.json</c>, in stage order) where it has them, else its JSON, JSON Lines and CSV files
    /// by name — said on standard error; null, with the error printed, for a directory with none.
    /// </summary>
    private static List<string>? Expanded(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (string path in paths)
        {
            if (!Directory.Exists(path))
            {
                files.Add(path);
                continue;
            }

            string[] stages = Directory.GetFiles(path, "stage_*_lifecycle_metrics.json");
            string[] held = stages.Length > 0
                ? stages.OrderBy(StageNumber).ToArray()
                : Directory.GetFiles(path).Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal).ToArray();
            if (held.Length == 0)
            {
                Console.Error.WriteLine($"error: {path}: a directory with no measured files in it (JSON, JSON Lines or CSV results, or inference-perf's stage_N_lifecycle_metrics.json)");
                return null;
            }

            Console.Error.WriteLine($"note: {path}: reading {(stages.Length > 0 ? "inference-perf's stage reports" : "its results")}: {string.Join(", ", held.Select(Path.GetFileName))}");
            files.AddRange(held);
        }

        return files;
    }

    /// <summary>N of <c>stage_N_lifecycle_metrics.json</c>, so stage 10 follows stage 9.</summary>
    private static int StageNumber(string file) =>
        int.TryParse(Path.GetFileName(file).Split('_')[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) ? n : int.MaxValue;

    /// <summary>Reads every file (and <paramref name="calibration"/>, when given); prints a located error and returns false on bad input.</summary>
    public bool TryRead(ParseResult result, string? calibration, [NotNullWhen(true)] out IReadOnlyList<MeasuredRun>? runs, [NotNullWhen(true)] out SimCatalog? catalog)
    {
        runs = null;
        catalog = null;
        if (result.GetValue(_offload) is < 0 and double negative)
        {
            Console.Error.WriteLine($"error: --kv-offloading-size is a size in GiB, at least 0; got {negative.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            return false;
        }

        ExperimentFilter? filter = null;
        if (result.GetValue(_experiments) is { } patterns)
        {
            try
            {
                filter = ExperimentFilter.Parse(patterns);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"error: --experiments: {e.Message}");
                return false;
            }
        }

        string? policyName = result.GetValue(_policy);
        SchedulingPolicy? policy = policyName switch
        {
            null => null,
            "fcfs" => SchedulingPolicy.Fcfs,
            "priority" => SchedulingPolicy.Priority,
            _ => null,
        };
        if (policyName is not null && policy is null)
        {
            Console.Error.WriteLine($"error: --scheduling-policy {policyName}: expected fcfs or priority");
            return false;
        }

        Core.Catalog.Precision? headWeights;
        try
        {
            headWeights = WeightFormat.Part(result.GetValue(_headWeights) ?? string.Empty);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: --head-weights: {e.Message}");
            return false;
        }

        if (result.GetValue(_maxConcurrency) is < 1 and int cap)
        {
            Console.Error.WriteLine($"error: --max-concurrency is the most requests in flight, at least 1; got {cap.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            return false;
        }

        foreach (var (option, value) in new[] { ("--input-len", result.GetValue(_inputLen)), ("--output-len", result.GetValue(_outputLen)) })
        {
            if (value is double tokens && !(tokens >= 1 && tokens <= 10_000_000))
            {
                Console.Error.WriteLine($"error: {option} is the tokens of every request, from 1 to 10,000,000; got {tokens.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
                return false;
            }
        }

        if (result.GetValue(_batchSize) is int size && !(size >= 1 && size <= 1_000_000))
        {
            Console.Error.WriteLine($"error: --batch-size is the requests of a batch, from 1 to 1,000,000; got {size.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            return false;
        }

        if (result.GetValue(_weightBits) is double bits && !(bits >= CheckpointConventions.MinWeightBits && bits <= CheckpointConventions.MaxWeightBits))
        {
            Console.Error.WriteLine($"error: --weight-bits is the bits a stored weight takes with its scales, from {CheckpointConventions.MinWeightBits} to {CheckpointConventions.MaxWeightBits}; got {bits.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            return false;
        }

        if (result.GetValue(_recvInterval) is int interval)
        {
            string engine = result.GetValue(_engine) ?? "vllm";
            if (interval < 1 || interval > 1_000_000)
            {
                Console.Error.WriteLine($"error: --scheduler-recv-interval is the decode steps between reads of new requests, from 1 to 1,000,000; got {interval.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
                return false;
            }

            if (interval > 1 && !EngineName.Names(engine, ServingEngine.Sglang))
            {
                Console.Error.WriteLine($"error: --scheduler-recv-interval is SGLang's; engine {engine} reads new requests every step: give --engine sglang, or leave it out");
                return false;
            }
        }

        if (result.GetValue(_useV1) is not null
            && VllmServerDefaults.UseV1Refusal(result.GetValue(_engine) ?? string.Empty, result.GetValue(_engineVersion) ?? string.Empty) is { } refusal)
        {
            Console.Error.WriteLine($"error: --vllm-use-v1 {refusal}: give --engine-version, or leave it out");
            return false;
        }

        var setup = new ServingSetup
        {
            HeadWeights = headWeights,
            WeightBits = result.GetValue(_weightBits),
            SchedulingPolicy = policy,
            Gpu = result.GetValue(_gpu),
            Model = result.GetValue(_model),
            TensorParallel = result.GetValue(_tp),
            DataParallel = result.GetValue(_dp),
            DType = result.GetValue(_dtype)!,
            MaxSequences = result.GetValue(_maxSeqs),
            MaxBatchedTokens = result.GetValue(_maxTokens),
            GpuMemoryUtilization = result.GetValue(_memory),
            CpuKvOffloadGib = result.GetValue(_offload) is > 0 and double gib ? gib : null,
            ConcurrencyCap = result.GetValue(_maxConcurrency),
            PrefixCaching = result.GetValue(_prefixCaching),
            ChunkedPrefill = result.GetValue(_chunkedPrefill),
            Engine = result.GetValue(_engine) ?? string.Empty,
            EngineVersion = result.GetValue(_engineVersion) ?? string.Empty,
            VllmUseV1 = result.GetValue(_useV1),
            ReceiveInterval = result.GetValue(_recvInterval),
            InputLength = result.GetValue(_inputLen),
            OutputLength = result.GetValue(_outputLen),
            BatchSize = result.GetValue(_batchSize),
        };
        try
        {
            catalog = ModelsOption.Apply(SimCatalog.Default, result.GetValue(_models));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: --models: {e.Message}");
            return false;
        }
        catch (CatalogException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return false;
        }

        if (Expanded(result.GetValue(_files)!) is not { } files)
        {
            return false;
        }

        string reading = string.Empty;
        try
        {
            var all = new List<MeasuredRun>();
            foreach (string file in files)
            {
                reading = file;
                if (file.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
                {
                    all.AddRange(BenchmarkServingFile.Read(file, setup));
                }
                else if (File.ReadAllText(file) is var text && BlisTrace.Holds(text))
                {
                    // The header names the server: given, or beside the trace under its name with .yaml (blis observe's own
                    // example pairs trace.csv with trace.yaml).
                    string? given = result.GetValue(_traceHeader);
                    string header = given ?? Path.ChangeExtension(file, ".yaml");
                    reading = header;
                    string? headerText = given is not null || File.Exists(header) ? File.ReadAllText(header) : null;
                    reading = file;
                    all.AddRange(BlisTrace.Read(text, Path.GetFileName(file), headerText, Path.GetFileName(header), setup));
                }
                else if (PublishedResultsFile.Holds(text))
                {
                    // Published results (MLPerf, trtllm-bench tables, NIM sweeps): a row that cannot be replayed is named and left out.
                    var skipped = new List<CatalogException>();
                    all.AddRange(PublishedResultsFile.Parse(text, Path.GetFileName(file), catalog, skipped));
                    foreach (CatalogException row in skipped)
                    {
                        Console.Error.WriteLine($"warning: row left out: {row.Message}");
                    }
                }
                else if (TrtllmBenchReport.Holds(text))
                {
                    all.Add(TrtllmBenchReport.Parse(text, Path.GetFileName(file), setup));
                }
                else if (text.StartsWith("Metric,", StringComparison.Ordinal))
                {
                    throw new CatalogException(Path.GetFileName(file), 1, null, "this is AIPerf's (or GenAI-Perf's) CSV export, which leaves out the client's configuration: replay its JSON export (profile_export_aiperf.json, written beside it)");
                }
                else if ((file.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    && text.Contains("benchmarks:", StringComparison.Ordinal))
                {
                    throw new CatalogException(Path.GetFileName(file), 1, null, "this is GuideLLM's YAML report: replay its JSON report, which holds the same (guidellm's --output-path benchmarks.json, or --output kind=json)");
                }
                else if (VllmLatencyReport.Holds(text) && !VllmThroughputReport.Holds(text))
                {
                    all.AddRange(VllmLatencyReport.Parse(text, Path.GetFileName(file), setup));
                }
                else if (SglangOfflineThroughput.Holds(text))
                {
                    all.AddRange(SglangOfflineThroughput.Parse(text, Path.GetFileName(file), setup));
                }
                else if (VllmThroughputReport.Holds(text) && !BenchmarkServingLog.Holds(text))
                {
                    all.AddRange(VllmThroughputReport.Parse(text, Path.GetFileName(file), setup));
                }
                else if (BenchmarkServingLog.Holds(text))
                {
                    all.AddRange(BenchmarkServingLog.Parse(text, Path.GetFileName(file), setup));
                }
                else
                {
                    // A bad row costs only itself: it is named and left out, and the rest are replayed.
                    var skipped = new List<CatalogException>();
                    all.AddRange(MeasuredRunFile.Parse(new StringReader(text), Path.GetFileName(file), skipped));
                    foreach (CatalogException row in skipped)
                    {
                        Console.Error.WriteLine($"warning: row left out: {row.Message}");
                    }
                }
            }

            if (all.Count == 0)
            {
                Console.Error.WriteLine("error: no row of the measured files could be read (the rows left out are named above)");
                return false;
            }

            if (filter is not null)
            {
                int read = all.Count;
                all.RemoveAll(r => !filter.Keeps(r.Experiment));
                if (all.Count == 0)
                {
                    Console.Error.WriteLine($"error: --experiments {filter.Text} matches none of the {read} rows read");
                    return false;
                }
            }

            if (calibration is not null)
            {
                reading = calibration;
                catalog = catalog.WithCalibrationFile(calibration);
            }

            runs = all;
            return true;
        }
        catch (CatalogException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            Console.Error.WriteLine($"error: {reading}: file not found");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: cannot read {reading}: {e.Message}");
        }

        return false;
    }
}
