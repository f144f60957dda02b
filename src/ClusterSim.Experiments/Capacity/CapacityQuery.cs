using System.Globalization;
using System.Text;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Capacity;

/// <summary>
/// One deployment on one or several accelerators, asked what a replica serves at a latency SLO: the options of
/// <c>clustersim capacity</c>. It is read as an experiment file's serving section would be (the same defaults, checks and
/// calibration warnings), one file per accelerator.
/// </summary>
public sealed record CapacityQuery
{
    public required string Model { get; init; }
    public required IReadOnlyList<string> Hardware { get; init; }

    /// <summary>
    /// Tensor-parallel size of a replica; null: on each accelerator the cheapest per output token (without a price, the
    /// most tokens a second per chip) of the sizes from the first of <see cref="SizesTried"/> the deployment accepts (1
    /// where the model fits one, else the least that holds its weights with room for a sequence), doubling within the
    /// accelerator's scale-up domain (eight without one) until a size does worse, at most four sizes.
    /// </summary>
    public int? TensorParallel { get; init; }

    /// <summary>The tensor-parallel sizes tried, in order, for the least that holds the model when none is given.</summary>
    public static IReadOnlyList<int> SizesTried { get; } = [1, 2, 4, 8, 16, 32, 64];

    /// <summary>How the tensor-parallel group shares attention (an experiment file's serving.attention); null: tensor-parallel.</summary>
    public string? Attention { get; init; }

    public string Weights { get; init; } = "bf16";
    public string? KvCache { get; init; }
    public string Engine { get; init; } = "vllm";
    public string? EngineVersion { get; init; }

    /// <summary>Decode steps a scheduling pass covers (vLLM V0's --num-scheduler-steps; an experiment file's serving.multi_step); null: every step.</summary>
    public int? MultiStep { get; init; }

    /// <summary>
    /// Speculative decoding as <c>METHOD:TOKENS:ACCEPTANCE[:DRAFT_MODEL]</c> (<c>eagle:3:0.6</c>, <c>draft:4:0.7:llama-3.2-1b</c>;
    /// an experiment file's serving.speculative); null: none.
    /// </summary>
    public string? Speculative { get; init; }
    public int? MaxSequences { get; init; }
    public int? MaxBatchedTokens { get; init; }

    /// <summary>SGLang's <c>--scheduler-recv-interval</c> (an experiment file's serving.scheduler.recv_interval); null: every step.</summary>
    public int? ReceiveInterval { get; init; }

    /// <summary>
    /// Prefill/decode disaggregation: each accelerator's row measures a unit of this many prefill replicas and decode
    /// replicas, the KV cache crossing the default link between them; null: a replica that prefills and decodes.
    /// </summary>
    public (int Prefill, int Decode)? Disaggregate { get; init; }

    /// <summary>
    /// Prefill/decode units of this many replicas, every split of them tried (1 : n − 1 to n − 1 : 1) and the cheapest per
    /// output token kept (without a price, the most tokens a second per chip); null: the split <see cref="Disaggregate"/> gives, if any.
    /// </summary>
    public int? DisaggregateUnit { get; init; }

    /// <summary>The most replicas a unit whose split is searched may have.</summary>
    public const int LargestSearchedUnit = 16;

    /// <summary>The accelerator of a unit's decode replicas; null: the row's own.</summary>
    public string? DecodeHardware { get; init; }

    /// <summary>The tensor-parallel size of a unit's decode replicas; null: the prefill replicas'.</summary>
    public int? DecodeTensorParallel { get; init; }

    /// <summary>GB/s of the link a unit's KV cache crosses from its prefill to its decode replicas; null: the default (each accelerator's own network link).</summary>
    public double? KvLinkGBps { get; init; }

    /// <summary>Conditional disaggregation: prompts with at most this many uncached tokens prefill on their decode replica (serving.disaggregation.max_local_prefill); null: none.</summary>
    public int? MaxLocalPrefill { get; init; }

    /// <summary>Conditional disaggregation: a prompt goes to a prefill replica only while fewer than this many wait there (serving.disaggregation.max_prefill_queue); null: no limit.</summary>
    public int? MaxPrefillQueue { get; init; }

    /// <summary>The longest request the server takes, prompt and output together (an experiment file's serving.max_model_len); null: the model's context.</summary>
    public int? MaxModelLength { get; init; }

    /// <summary>Prompt tokens of every request, or their mean when <see cref="PromptMedian"/> is given.</summary>
    public double PromptTokens { get; init; } = 1024;

    /// <summary>Output tokens of every request, or their mean when <see cref="OutputMedian"/> is given.</summary>
    public double OutputTokens { get; init; } = 256;

    /// <summary>With a median, prompts are log-normal (that mean and median, at most <see cref="PromptMax"/>); null: all alike.</summary>
    public double? PromptMedian { get; init; }

    /// <summary>With a median, outputs are log-normal (that mean and median, at most <see cref="OutputMax"/>); null: all alike.</summary>
    public double? OutputMedian { get; init; }

    /// <summary>The longest prompt a log-normal draw gives; null: eight times the mean.</summary>
    public int? PromptMax { get; init; }

    /// <summary>The longest output a log-normal draw gives; null: eight times the mean.</summary>
    public int? OutputMax { get; init; }

    /// <summary>
    /// Answers end at the end token, as likely after any token, or at <see cref="OutputMax"/>, the tokens each request asks
    /// for: geometric lengths averaging <see cref="OutputTokens"/> (an experiment's <c>kind: eos</c>).
    /// </summary>
    public bool OutputStopsAtEos { get; init; }

    /// <summary>The longest prompt drawn (the mean's eight times unless given); 0 when prompts are all alike.</summary>
    public int PromptCap => PromptMedian is null ? 0 : PromptMax ?? (int)Math.Ceiling(8 * PromptTokens);

    /// <summary>The longest output drawn (the mean's eight times unless given); 0 when outputs are all alike.</summary>
    public int OutputCap => OutputStopsAtEos ? OutputMax ?? 0 : OutputMedian is null ? 0 : OutputMax ?? (int)Math.Ceiling(8 * OutputTokens);

    /// <summary>The requests' lengths as a title says them: "1024/256 tokens", or each distribution's mean, median and cap.</summary>
    public string LengthsSaid =>
        PromptMedian is null && OutputMedian is null && !OutputStopsAtEos
            ? string.Create(CultureInfo.InvariantCulture, $"{PromptTokens:0}/{OutputTokens:0} tokens")
            : $"prompts {Said(PromptTokens, PromptMedian, PromptCap)}, outputs {OutputsSaid} tokens";

    private string OutputsSaid => OutputStopsAtEos
        ? string.Create(CultureInfo.InvariantCulture, $"stopped at EOS (mean {OutputTokens:0}, at most {OutputCap:N0})")
        : Said(OutputTokens, OutputMedian, OutputCap);

    private static string Said(double mean, double? median, int cap) => median is { } m
        ? string.Create(CultureInfo.InvariantCulture, $"log-normal (mean {mean:0}, median {m:0}, at most {cap:N0})")
        : string.Create(CultureInfo.InvariantCulture, $"{mean:0}");

    public double TtftSeconds { get; init; } = 2;
    public double TpotSeconds { get; init; } = 0.1;

    /// <summary>Requests each simulated run of the cell serves.</summary>
    public int Requests { get; init; } = 3000;
    public long Seed { get; init; } = 1;

    /// <summary>USD an accelerator-hour; only with one accelerator (each catalog price otherwise).</summary>
    public double? PricePerHour { get; init; }

    /// <summary>Share of capacity kept free: the price per token is of replicas run at 1 − headroom of it.</summary>
    public double Headroom { get; init; }

    /// <summary>A calibration CSV (from <c>clustersim calibrate</c>) used in place of the shipped rows it names; null for the shipped ones.</summary>
    public string? CalibrationFile { get; init; }

    /// <summary>Models beyond the shipped catalog: a models CSV, a Hugging Face config.json or a checkpoint directory; null for none.</summary>
    public string? ModelsFile { get; init; }

    /// <summary>Which option each experiment-file path came from, for errors said in the command's terms.</summary>
    public static readonly IReadOnlyList<(string Path, string Option)> Options =
    [
        ("serving.disaggregation.decode.hardware", "--decode-hardware"), ("serving.disaggregation.kv_link_gb_s", "--kv-link"), ("serving.disaggregation.decode", "--decode-tp"), ("serving.disaggregation", "--disaggregate"), ("serving.replicas", "--disaggregate"),
        ("serving.model", "MODEL"), ("serving.hardware", "HARDWARE"), ("serving.tensor_parallel", "--tp"), ("serving.attention", "--attention"), ("serving.weights", "--weights"),
        ("serving.kv_cache", "--kv-cache"), ("serving.max_model_len", "--max-model-len"), ("serving.engine_version", "--engine-version"), ("serving.engine", "--engine"), ("serving.multi_step", "--multi-step"), ("serving.speculative", "--speculative"),
        ("serving.scheduler.max_sequences", "--max-sequences"), ("serving.scheduler.max_batched_tokens", "--max-batched-tokens"), ("serving.scheduler.recv_interval", "--scheduler-recv-interval"),
        ("serving.price_per_hour", "--price-per-hour"),
        ("workload.prompt_tokens.median", "--prompt-median"), ("workload.prompt_tokens.max", "--prompt-max"), ("workload.prompt_tokens", "--prompt"),
        ("workload.output_tokens.median", "--output-median"), ("workload.output_tokens.max", "--output-max"), ("workload.output_tokens", "--output"),
        ("workload.requests", "--requests"), ("slo.ttft_s", "--ttft"), ("slo.tpot_s", "--tpot"), ("seed", "--seed"), ("catalog.models", "--models"), ("catalog", "--calibration"),
    ];

    /// <summary>The experiment file the query is for <paramref name="hardware"/> (at one accelerator a replica when no size is given).</summary>
    public string Yaml(string hardware) => Yaml(hardware, TensorParallel ?? 1);

    /// <summary>The experiment file the query is for <paramref name="hardware"/> at <paramref name="tensorParallel"/> accelerators a replica.</summary>
    public string Yaml(string hardware, int tensorParallel)
    {
        var y = new StringBuilder();
        y.AppendLine("name: capacity");
        y.AppendLine(CultureInfo.InvariantCulture, $"seed: {Seed}");
        string[] catalog =
        [
            .. CalibrationFile is { } calibration ? [$"calibration: {Q(Path.GetFullPath(calibration))}"] : Array.Empty<string>(),
            .. ModelsFile is { } models ? [$"models: {Q(Path.GetFullPath(models))}"] : Array.Empty<string>(),
        ];
        if (catalog.Length > 0)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"catalog: {{ {string.Join(", ", catalog)} }}");
        }

        y.AppendLine("serving:");
        y.AppendLine(CultureInfo.InvariantCulture, $"  model: {Q(Model)}");
        AppendDeployment(y, "  ", hardware, tensorParallel);

        var scheduler = new List<string>();
        if (MaxSequences is { } sequences)
        {
            scheduler.Add(string.Create(CultureInfo.InvariantCulture, $"max_sequences: {sequences}"));
        }

        if (MaxBatchedTokens is { } tokens)
        {
            scheduler.Add(string.Create(CultureInfo.InvariantCulture, $"max_batched_tokens: {tokens}"));
        }

        if (ReceiveInterval is { } interval)
        {
            scheduler.Add(string.Create(CultureInfo.InvariantCulture, $"recv_interval: {interval}"));
        }

        if (scheduler.Count > 0)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  scheduler: {{ {string.Join(", ", scheduler)} }}");
        }

        if (Disaggregate is var (prefill, decode))
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  replicas: {prefill + decode}");
            y.AppendLine("  disaggregation:");
            y.AppendLine(CultureInfo.InvariantCulture, $"    prefill_replicas: {prefill}");
            if (KvLinkGBps is { } link)
            {
                y.AppendLine(CultureInfo.InvariantCulture, $"    kv_link_gb_s: {link:R}");
            }

            if (MaxLocalPrefill is { } local)
            {
                y.AppendLine(CultureInfo.InvariantCulture, $"    max_local_prefill: {local}");
            }

            if (MaxPrefillQueue is { } queue)
            {
                y.AppendLine(CultureInfo.InvariantCulture, $"    max_prefill_queue: {queue}");
            }

            if (DecodeHardware is not null || DecodeTensorParallel is not null)
            {
                // The decode replicas' own shape: every deployment field again, so only the hardware and size differ.
                y.AppendLine("    decode:");
                AppendDeployment(y, "      ", DecodeHardware ?? hardware, DecodeTensorParallel ?? tensorParallel);
            }
        }

        y.AppendLine("workload:");
        y.AppendLine("  arrival: { kind: poisson, load: 0.5 }   # the cell bisects the load itself");
        y.AppendLine(CultureInfo.InvariantCulture, $"  prompt_tokens: {Lengths(PromptTokens, PromptMedian, PromptCap)}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  output_tokens: {(OutputStopsAtEos ? StoppedAtEos(OutputTokens, OutputMax) : Lengths(OutputTokens, OutputMedian, OutputCap))}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  requests: {Requests}");
        y.AppendLine(CultureInfo.InvariantCulture, $"slo: {{ ttft_s: {TtftSeconds:R}, tpot_s: {TpotSeconds:R} }}");
        return y.ToString();
    }

    /// <summary>A replica's deployment fields (all but the model and scheduler) on <paramref name="hardware"/> at <paramref name="tensorParallel"/>, each line after <paramref name="indent"/>.</summary>
    private void AppendDeployment(StringBuilder y, string indent, string hardware, int tensorParallel)
    {
        y.AppendLine(CultureInfo.InvariantCulture, $"{indent}hardware: {Q(hardware)}");
        y.AppendLine(CultureInfo.InvariantCulture, $"{indent}engine: {Q(Engine)}");
        if (EngineVersion is { } version)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"{indent}engine_version: {Q(version)}");
        }

        if (MultiStep is { } steps)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"{indent}multi_step: {steps}");
        }

        if (Speculative is { } speculative)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"{indent}speculative: {SpeculativeSection(speculative)}");
        }

        y.AppendLine(CultureInfo.InvariantCulture, $"{indent}tensor_parallel: {tensorParallel}");
        if (Attention is { } layout)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"{indent}attention: {Q(layout)}");
        }

        y.AppendLine(CultureInfo.InvariantCulture, $"{indent}weights: {Q(Weights)}");
        if (KvCache is { } kv)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"{indent}kv_cache: {Q(kv)}");
        }

        if (MaxModelLength is { } length)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"{indent}max_model_len: {length}");
        }
    }

    /// <summary>
    /// <paramref name="spec"/> (<c>METHOD:TOKENS:ACCEPTANCE[:DRAFT_MODEL]</c>) as the experiment file's speculative section;
    /// the loader checks each value and names it. Throws <see cref="ArgumentException"/> when the spec has not that shape.
    /// </summary>
    public static string SpeculativeSection(string spec)
    {
        string[] parts = SpeculativeSpec.Split(spec);
        string draft = parts.Length == 4 ? $", draft_model: {Q(parts[3])}" : string.Empty;
        return $"{{ method: {Q(parts[0])}, tokens: {parts[1]}, acceptance: {parts[2]}{draft} }}";
    }

    /// <summary>A string as a double-quoted YAML scalar.</summary>
    private static string Q(string text) => $"\"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    /// <summary>Answers stopped at EOS as the experiment file writes them (without a cap, the file's reader asks for --output-max).</summary>
    private static string StoppedAtEos(double mean, int? cap) =>
        string.Create(CultureInfo.InvariantCulture, $"{{ kind: eos, mean: {mean:R}{(cap is { } c ? $", max: {c}" : string.Empty)} }}");

    /// <summary>A length as the experiment file writes it: a count, or a log-normal from its mean and median.</summary>
    private static string Lengths(double mean, double? median, int cap) => median is { } m
        ? string.Create(CultureInfo.InvariantCulture, $"{{ kind: lognormal, mean: {mean:R}, median: {m:R}, max: {cap} }}")
        : string.Create(CultureInfo.InvariantCulture, $"{mean:R}");
}
