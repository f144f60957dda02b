using System.CommandLine;
using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Economics;
using ClusterSim.Experiments.Capacity;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Cli;

/// <summary>
/// `clustersim capacity MODEL HARDWARE[,HARDWARE...]`: what one replica serves at a latency SLO on each accelerator,
/// and what a million output tokens cost there — the capacity planner's question in one command, answered by the same
/// simulated cell a lifecycle sizes its fleet with.
/// </summary>
internal static class CapacityCommand
{
    public static Command Build()
    {
        var model = new Argument<string>("model") { Description = "A catalog model: id, alias or Hugging Face name (`clustersim catalog models`)." };
        var hardware = new Argument<string>("hardware") { Description = "One or more catalog accelerators, comma-separated (`clustersim catalog hardware`): H100,H200,B200,MI300X." };
        var tp = new Option<int?>("--tp") { Description = "Tensor-parallel size of a replica (when omitted, on each accelerator the cheapest per output token of the sizes from the least of 1, 2, 4, ... 64 that holds the model, doubling within its scale-up domain until one does worse; said in a note)." };
        var attention = new Option<string?>("--attention") { Description = "How the --tp accelerators share attention: tensor-parallel (default), data-parallel (SGLang's --enable-dp-attention) or data-parallel-balanced (TensorRT-LLM's enable_attention_dp with enable_balance)." };
        var weights = new Option<string>("--weights") { Description = "Weight format: bf16, fp8, int8, int4 or fp4.", DefaultValueFactory = _ => "bf16" };
        var kv = new Option<string?>("--kv-cache") { Description = "KV-cache format: bf16, fp8, int8 or int4; bf16 when omitted, whatever the weights, as vLLM's and SGLang's kv_cache_dtype auto keeps it." };
        var engine = new Option<string>("--engine") { Description = "Serving engine: vllm, tensorrt-llm or sglang (its calibration, batch limits and KV admission).", DefaultValueFactory = _ => "vllm" };
        var version = new Option<string?>("--engine-version") { Description = "The engine's release (0.11.0), where its defaults depend on it." };
        var multiStep = new Option<int?>("--multi-step") { Description = "vLLM V0's --num-scheduler-steps: decode steps one scheduling pass covers (vLLM before 0.8; every step when omitted)." };
        var speculative = new Option<string?>("--speculative") { Description = "Speculative decoding, METHOD:TOKENS:ACCEPTANCE[:DRAFT_MODEL]: eagle:3:0.6 (a draft head), mtp:1:0.8, ngram:4:0.3, draft:4:0.7:llama-3.2-1b; the acceptance is the chance a drafted token is accepted, which depends on the drafter and the traffic (none when omitted)." };
        var sequences = new Option<int?>("--max-sequences") { Description = "The batch's sequence limit (the engine's default when omitted)." };
        var recvInterval = new Option<int?>("--scheduler-recv-interval") { Description = "SGLang's --scheduler-recv-interval: decode steps between the scheduler's reads of new requests while the batch decodes (with --engine sglang; every step when omitted)." };
        var batched = new Option<int?>("--max-batched-tokens") { Description = "The step's token budget (the engine's default when omitted)." };
        var maxModelLength = new Option<int?>("--max-model-len") { Description = "The longest request the server takes, prompt and output together (vLLM's --max-model-len); the model's context when omitted. A longer request is refused." };
        var prompt = new Option<double>("--prompt") { Description = "Prompt tokens of every request.", DefaultValueFactory = _ => 1024 };
        var output = new Option<double>("--output") { Description = "Output tokens of every request.", DefaultValueFactory = _ => 256 };
        var promptMedian = new Option<double?>("--prompt-median") { Description = "Log-normal prompts: their median (--prompt is then their mean)." };
        var outputMedian = new Option<double?>("--output-median") { Description = "Log-normal outputs: their median (--output is then their mean)." };
        var promptMax = new Option<int?>("--prompt-max") { Description = "The longest log-normal prompt (eight times the mean when omitted)." };
        var outputMax = new Option<int?>("--output-max") { Description = "The longest log-normal output (eight times the mean when omitted); with --output-stop eos, the tokens each request asks for." };
        var outputStop = new Option<string?>("--output-stop") { Description = "How answers end: eos — at the end token, as likely after any token, or at --output-max, the tokens asked for (geometric lengths averaging --output); every answer --output long when omitted." };
        var ttft = new Option<double>("--ttft") { Description = "SLO: time to first token, seconds (95 % of requests within it and --tpot).", DefaultValueFactory = _ => 2 };
        var tpot = new Option<double>("--tpot") { Description = "SLO: time per output token, seconds.", DefaultValueFactory = _ => 0.1 };
        var price = new Option<double?>("--price-per-hour") { Description = "USD an accelerator-hour, for one accelerator (with several, each catalog price is used)." };
        var headroom = new Option<double>("--headroom") { Description = "Share of capacity kept free when pricing a token (0.2: replicas run at 80 % of it).", DefaultValueFactory = _ => 0 };
        var demand = new Option<string?>("--demand") { Description = "A CSV of measured demand (day, hour, time_s or timestamp; requests, requests_per_s, output_tokens or output_tokens_per_s per step, as an experiment's demand trace): adds the fleet each accelerator needs for it — peak and mean chips, each step served by the replicas its rate needs — and the cost of a million output tokens renting as it goes and owning the peak." };
        var disaggregate = new Option<string?>("--disaggregate") { Description = "Prefill/decode disaggregation, PREFILL:DECODE replicas (3:5): each accelerator's row measures a unit of that many prefill replicas and decode replicas, the KV cache crossing the default link between them (as an experiment's serving.disaggregation), priced for both parts. auto[:N] tries every split of a unit of N replicas (4 when omitted) and keeps the cheapest per output token, said in a note." };
        var decodeHardware = new Option<string?>("--decode-hardware") { Description = "With --disaggregate: the decode replicas' accelerator, at its catalog price (the row's own when omitted)." };
        var decodeTp = new Option<int?>("--decode-tp") { Description = "With --disaggregate: the decode replicas' tensor-parallel size (the prefill replicas' when omitted)." };
        var kvLink = new Option<double?>("--kv-link") { Description = "With --disaggregate: GB/s of the link a unit's KV cache crosses from prefill to decode (when omitted, each accelerator's own network link from the catalog; an accelerator without one needs it)." };
        var maxLocalPrefill = new Option<int?>("--max-local-prefill") { Description = "With --disaggregate: conditional disaggregation — a prompt with at most this many tokens its decode replica's prefix cache lacks is prefilled there (Dynamo's max_local_prefill_length; serving.disaggregation.max_local_prefill)." };
        var maxPrefillQueue = new Option<int?>("--max-prefill-queue") { Description = "With --disaggregate: conditional disaggregation — a prompt goes to a prefill replica only while fewer than this many wait there, else it is prefilled on its decode replica (Dynamo's max_prefill_queue_size; 0: no limit)." };
        var requests = new Option<int>("--requests") { Description = "Requests in each simulated run of the cell (more: steadier figures, longer).", DefaultValueFactory = _ => 3000 };
        var seed = new Option<long>("--seed") { Description = "Seed of the simulated runs.", DefaultValueFactory = _ => 1 };
        var calibration = new Option<string?>("--calibration") { Description = "A calibration CSV (from `clustersim calibrate`) used in place of the shipped rows it names: your own measurements behind the figures." };
        var models = ModelsOption.Create();
        var workers = new Option<int>("--workers", "-w") { Description = "Accelerators measured at once.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var format = CommandLine.FormatOption("the table");
        var command = new Command("capacity", "What one replica serves at a latency SLO on each accelerator, and the cost of a million output tokens: a simulated cell, its load bisected for the highest at which 95 % of requests meet the SLO.")
        {
            model, hardware, tp, attention, weights, kv, engine, version, multiStep, speculative, sequences, batched, recvInterval, maxModelLength, prompt, output, promptMedian, outputMedian, promptMax, outputMax, outputStop,
            ttft, tpot, price, headroom, demand, disaggregate, decodeHardware, decodeTp, kvLink, maxLocalPrefill, maxPrefillQueue, requests, seed, calibration, models, workers, format,
        };
        command.SetAction(r =>
        {
            if (r.GetValue(headroom) is < 0 or >= 1 || r.GetValue(workers) < 1)
            {
                Console.Error.WriteLine(r.GetValue(workers) < 1 ? "error: --workers: expected at least 1" : "error: --headroom: expected a share in [0, 1)");
                return ExitCodes.InvalidInput;
            }

            bool eos = false;
            if (r.GetValue(outputStop) is { } stop)
            {
                if (!stop.Equals("eos", StringComparison.OrdinalIgnoreCase))
                {
                    Console.Error.WriteLine($"error: --output-stop: expected eos (answers ended at the end token or at --output-max), got '{stop}'");
                    return ExitCodes.InvalidInput;
                }

                if (r.GetValue(outputMedian) is not null)
                {
                    Console.Error.WriteLine("error: --output-stop: answers stopped at EOS have the spread of their stopping, not a log-normal's; give --output-median or --output-stop, not both");
                    return ExitCodes.InvalidInput;
                }

                eos = true;
            }

            foreach (var (cap, median, name) in new[] { (r.GetValue(promptMax), r.GetValue(promptMedian), "prompt"), (eos ? null : r.GetValue(outputMax), r.GetValue(outputMedian), "output") })
            {
                if (cap is not null && median is null)
                {
                    Console.Error.WriteLine($"error: --{name}-max: applies to log-normal lengths; give --{name}-median too{(name == "output" ? " (or --output-stop eos)" : string.Empty)}");
                    return ExitCodes.InvalidInput;
                }

                if (median is <= 0)
                {
                    // An experiment file reads a median of 0 as "none given" (the log-normal then takes its sigma): not what was asked.
                    Console.Error.WriteLine($"error: --{name}-median: expected a number of tokens > 0, got {median.Value.ToString(CultureInfo.InvariantCulture)}");
                    return ExitCodes.InvalidInput;
                }
            }

            (int, int)? split = null;
            int? searched = null;
            if (r.GetValue(disaggregate) is { } pair)
            {
                if (SearchedUnit(pair) is { } unit)
                {
                    searched = unit;
                }
                else if (ReplicaPair(pair) is { } parsed)
                {
                    split = parsed;
                }
                else
                {
                    Console.Error.WriteLine($"error: --disaggregate: expected PREFILL:DECODE replicas, two whole numbers of at least 1 (3:5), or auto[:N] with N from 2 to {CapacityQuery.LargestSearchedUnit}; got '{pair}'");
                    return ExitCodes.InvalidInput;
                }
            }
            else if (new[]
                {
                    (r.GetValue(decodeHardware) is not null, "--decode-hardware"), (r.GetValue(decodeTp) is not null, "--decode-tp"), (r.GetValue(kvLink) is not null, "--kv-link"),
                    (r.GetValue(maxLocalPrefill) is not null, "--max-local-prefill"), (r.GetValue(maxPrefillQueue) is not null, "--max-prefill-queue"),
                }
                .FirstOrDefault(o => o.Item1) is (true, var unitOption))
            {
                Console.Error.WriteLine($"error: {unitOption}: applies to a disaggregated unit; give --disaggregate PREFILL:DECODE too");
                return ExitCodes.InvalidInput;
            }

            if (new[] { (r.GetValue(maxLocalPrefill), "--max-local-prefill", "a number of tokens"), (r.GetValue(maxPrefillQueue), "--max-prefill-queue", "a number of requests") }
                .FirstOrDefault(o => o.Item1 < 0) is ({ } negative, var conditionOption, var what))
            {
                Console.Error.WriteLine($"error: {conditionOption}: expected {what} ≥ 0, got {negative}");
                return ExitCodes.InvalidInput;
            }

            var query = new CapacityQuery
            {
                Model = r.GetValue(model)!,
                Hardware = [.. r.GetValue(hardware)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase)],
                TensorParallel = r.GetValue(tp),
                Attention = r.GetValue(attention),
                Weights = r.GetValue(weights)!,
                KvCache = r.GetValue(kv),
                Engine = r.GetValue(engine)!,
                EngineVersion = r.GetValue(version),
                MultiStep = r.GetValue(multiStep),
                MaxModelLength = r.GetValue(maxModelLength),
                Speculative = r.GetValue(speculative),
                MaxSequences = r.GetValue(sequences),
                MaxBatchedTokens = r.GetValue(batched),
                ReceiveInterval = r.GetValue(recvInterval),
                Disaggregate = split,
                DisaggregateUnit = searched,
                DecodeHardware = r.GetValue(decodeHardware),
                DecodeTensorParallel = r.GetValue(decodeTp),
                KvLinkGBps = r.GetValue(kvLink),
                MaxLocalPrefill = r.GetValue(maxLocalPrefill),
                MaxPrefillQueue = r.GetValue(maxPrefillQueue),
                PromptTokens = r.GetValue(prompt),
                OutputTokens = r.GetValue(output),
                PromptMedian = r.GetValue(promptMedian),
                OutputMedian = r.GetValue(outputMedian),
                PromptMax = r.GetValue(promptMax),
                OutputMax = r.GetValue(outputMax),
                OutputStopsAtEos = eos,
                TtftSeconds = r.GetValue(ttft),
                TpotSeconds = r.GetValue(tpot),
                PricePerHour = r.GetValue(price),
                Headroom = r.GetValue(headroom),
                Requests = r.GetValue(requests),
                Seed = r.GetValue(seed),
                CalibrationFile = r.GetValue(calibration),
                ModelsFile = r.GetValue(models),
            };
            DemandProfile? traffic = null;
            if (r.GetValue(demand) is { } file)
            {
                try
                {
                    traffic = DemandTraceFile.Read(Path.GetFullPath(file), query.OutputTokens);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or CatalogException or ArgumentException)
                {
                    Console.Error.WriteLine($"error: --demand: {e.Message}");
                    return ExitCodes.InvalidInput;
                }
            }

            return Show(query, traffic, r.GetValue(workers), PlainTable.Formats[r.GetValue(format)!]);
        });
        return command;
    }

    private static int Show(CapacityQuery query, DemandProfile? demand, int workers, OutputFormat format)
    {
        if (query.Hardware.Count == 0)
        {
            Console.Error.WriteLine("error: HARDWARE: expected one or more accelerators, comma-separated");
            return ExitCodes.InvalidInput;
        }

        IReadOnlyList<CapacityRow> rows;
        try
        {
            rows = CapacitySurvey.Run(query, workers);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidInput;
        }

        var measured = rows.Where(r => r.Refused is null).ToList();
        foreach (CapacityRow refused in rows.Where(r => r.Refused is not null))
        {
            Console.Error.WriteLine($"{(refused.BadInput ? "error" : "not measured")}: {refused.Hardware}: {refused.Refused}");
        }

        if (measured.Count == 0)
        {
            return rows.Any(r => r.BadInput) ? ExitCodes.InvalidInput : ExitCodes.RunFailed;
        }

        foreach (string warning in measured.SelectMany(r => r.Warnings).Distinct(StringComparer.Ordinal))
        {
            Console.Error.WriteLine($"warning: {warning}");
        }

        if (query.TensorParallel is null && measured.Any(r => r.SizeChosen is not null))
        {
            Console.Error.WriteLine("note: --tp not given: on each accelerator, the sizes from the least that holds the model, doubling within its scale-up domain (eight without one) until a size does worse; the cheapest per output token is shown (without a price, the most tokens a second per chip)");
        }

        foreach (CapacityRow row in measured.Where(r => r.SizeChosen is not null))
        {
            Console.Error.WriteLine($"note: {row.Hardware}: {row.SizeChosen}");
        }

        foreach (CapacityRow row in measured.Where(r => r.SplitChosen is not null))
        {
            Console.Error.WriteLine($"note: {row.Hardware}: split {row.SplitChosen}");
        }

        foreach (CapacityRow row in measured.Where(r => r.PricePerHour is null))
        {
            Console.Error.WriteLine($"note: {row.Hardware} has no catalog price: no cost per token (give --price-per-hour when it is the only accelerator)");
        }

        var fleets = demand is null ? [] : measured.ToDictionary(r => r, r => FleetForDemand.Size(demand, r.OutputTokensPerSecond, r.Accelerators, query.Headroom));
        if (demand is not null)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"note: --demand: {Path.GetFileName(demand.Source)} spans {demand.SpanSeconds / 3600:0.##} hours in {demand.Steps:N0} steps, {demand.MeanRate:N0} output tokens a second on average and {demand.PeakRate:N0} at its peak; each step is served by the replicas its rate needs at {1 - query.Headroom:0%} of a replica's capacity (--headroom), at least one, with no cold starts or scaling ahead (an experiment's cluster deployment with demand: {{ trace: ... }} simulates those)"));
        }

        bool units = query.Disaggregate is not null || query.DisaggregateUnit is not null;
        string title = string.Create(CultureInfo.InvariantCulture,
            $"{query.Model}, TP {SizeSaid(query, measured)}{(query.Attention is { } layout ? $" ({layout} attention)" : string.Empty)}, {query.Weights}{(query.ReceiveInterval is > 1 and int reads ? $", requests read every {reads} steps" : string.Empty)}, {query.LengthsSaid}: {(units ? "a prefill/decode unit's" : "a replica's")} most with 95 % within TTFT {query.TtftSeconds:0.###} s, TPOT {query.TpotSeconds * 1e3:0.#} ms{(query.Headroom > 0 ? $"; priced at {1 - query.Headroom:0%} of it" : string.Empty)}");
        string[] header = ["accelerator", .. units ? ["unit", "prefill / decode busy"] : Array.Empty<string>(), "chips", "req/s", "out tok/s", "tok/s per chip", "TTFT p99 ms", "TPOT p99 ms", units ? "$/chip-h (mean)" : "$/chip-h", "$ per M out tok", "calibration"];
        int shown = CatalogCommand.Show(format, title,
            demand is null ? header : [.. header, "demand: peak chips", "mean chips", "rented $/M tok", "owned $/M tok"],
            [.. measured.Select(r => (IReadOnlyList<string>)
            [
                r.Hardware,
                .. units ? [r.Unit ?? "-", r.PoolUtilisation is var (prefill, decode) ? $"{F(prefill * 100, "0")} / {F(decode * 100, "0")} %" : "-"] : Array.Empty<string>(),
                r.Accelerators.ToString(CultureInfo.InvariantCulture),
                F(r.RequestsPerSecond, "0.00"),
                F(r.OutputTokensPerSecond, "0"),
                F(r.OutputTokensPerSecond / r.Accelerators, "0"),
                F(r.TtftP99Seconds * 1e3, "0"),
                F(r.TpotP99Seconds * 1e3, "0.0"),
                r.PricePerHour is { } p ? F(p, "0.00") : "-",
                r.UsdPerMillionTokens is { } c ? F(c, "0.000") : "-",
                r.Calibration,
                .. fleets.TryGetValue(r, out FleetForDemand? fleet)
                    ? new[]
                    {
                        fleet.PeakAccelerators.ToString(CultureInfo.InvariantCulture),
                        F(fleet.MeanAccelerators, "0.0"),
                        r.PricePerHour is { } hourly ? F(fleet.RentedUsdPerMillion(hourly), "0.000") : "-",
                        r.PricePerHour is { } owned ? F(fleet.OwnedUsdPerMillion(owned), "0.000") : "-",
                    }
                    : [],
            ])]);
        if (measured.FirstOrDefault(r => r.UsdPerMillionTokens is not null) is { } cheapest && measured.Count > 1)
        {
            // After CSV, TSV or JSON on standard error, so the output stays parseable.
            TextWriter notes = format is OutputFormat.Table or OutputFormat.Markdown ? Console.Out : Console.Error;
            notes.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cheapest: {cheapest.Hardware} at ${cheapest.UsdPerMillionTokens:0.000} per million output tokens{(cheapest.Warnings.Count > 0 ? " (on unfitted factors: see the warnings)" : string.Empty)}"));
            if (fleets.Count > 0)
            {
                var priced = fleets.Where(f => f.Key.PricePerHour is not null).ToList();
                var renting = priced.MinBy(f => f.Value.RentedUsdPerMillion(f.Key.PricePerHour!.Value));
                var owning = priced.MinBy(f => f.Value.OwnedUsdPerMillion(f.Key.PricePerHour!.Value));
                notes.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"for the demand: renting, {renting.Key.Hardware} at ${renting.Value.RentedUsdPerMillion(renting.Key.PricePerHour!.Value):0.000} per million output tokens; owning the peak, {owning.Key.Hardware} ({owning.Value.PeakAccelerators:N0} chips) at ${owning.Value.OwnedUsdPerMillion(owning.Key.PricePerHour!.Value):0.000}"));
            }
        }

        return rows.Any(r => r.BadInput) ? ExitCodes.InvalidInput : shown;
    }

    /// <summary>The tensor-parallel size as the title says it: the one given, the one every accelerator took, or each accelerator's own.</summary>
    private static string SizeSaid(CapacityQuery query, IReadOnlyList<CapacityRow> measured)
    {
        int[] sizes = [.. measured.Select(r => r.Size).Distinct()];
        return query.TensorParallel is { } given ? given.ToString(CultureInfo.InvariantCulture)
            : sizes.Length == 1 ? sizes[0].ToString(CultureInfo.InvariantCulture)
            : "each accelerator's cheapest (chips; the notes say how)";
    }

    /// <summary>auto or auto:N as the replicas of a unit whose split is searched (4 for auto, N from 2 to the largest searched); null when the text is not that.</summary>
    private static int? SearchedUnit(string text) => text switch
    {
        "auto" => 4,
        _ when text.StartsWith("auto:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 2 and <= CapacityQuery.LargestSearchedUnit => n,
        _ => null,
    };

    /// <summary>PREFILL:DECODE as two replica counts of at least 1; null when the text is not that.</summary>
    private static (int Prefill, int Decode)? ReplicaPair(string text)
    {
        string[] parts = text.Split(':');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int prefill) && prefill >= 1
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int decode) && decode >= 1
            ? (prefill, decode)
            : null;
    }

    private static string F(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "-";
}
