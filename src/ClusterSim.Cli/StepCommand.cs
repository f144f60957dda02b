using System.CommandLine;
using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Steps;

namespace ClusterSim.Cli;

/// <summary>
/// `clustersim step MODEL HARDWARE`: one iteration's time split into the step-time model's named terms (GEMMs, attention,
/// collectives, engine overhead) for a list of batch shapes, with the calibration behind the factors.
/// </summary>
internal static class StepCommand
{
    public static Command Build()
    {
        var model = new Argument<string>("model") { Description = "A catalog model: id, alias or Hugging Face name (`clustersim catalog models`)." };
        var hardware = new Argument<string>("hardware") { Description = "A catalog accelerator: id or alias (`clustersim catalog hardware`)." };
        var tp = new Option<int>("--tp") { Description = "Tensor-parallel size.", DefaultValueFactory = _ => 1 };
        var attention = new Option<string>("--attention") { Description = "How the --tp accelerators share attention: tensor-parallel, data-parallel (each attends its own sequences with every head, a prompt's chunk one rank's: SGLang's --enable-dp-attention) or data-parallel-balanced (the ranks' prompts aligned: TensorRT-LLM's enable_attention_dp with enable_balance); the MLPs and experts stay split.", DefaultValueFactory = _ => "tensor-parallel" };
        var weights = new Option<string>("--weights") { Description = "Weight format: bf16, fp8, int8, int4 or fp4.", DefaultValueFactory = _ => "bf16" };
        var kv = new Option<string?>("--kv-cache") { Description = "KV-cache format: bf16, fp8, int8 or int4; bf16 when omitted, whatever the weights, as vLLM's and SGLang's kv_cache_dtype auto keeps it." };
        var engine = new Option<string>("--engine") { Description = "Serving engine whose calibration applies: vllm, tensorrt-llm or sglang.", DefaultValueFactory = _ => "vllm" };
        var sampling = new Option<string>("--sampling") { Description = "How requests sample: temperature, greedy, top-p, top-k (vLLM's sampler ranks the whole vocabulary) or model-default (the Hugging Face checkpoint's generation_config.json).", DefaultValueFactory = _ => "temperature" };
        var version = new Option<string?>("--engine-version") { Description = "The engine's release (0.11.0): for vLLM it picks the start-up memory profile that sizes the KV cache, the default batch limits it is sized at (that release's: V0 before 0.8, by GPU name before 0.9) and, from 0.22, FlashInfer's sort-free sampler." };
        var kernel = new Option<string?>("--sampler-kernel") { Description = "How the engine filters by top-p or top-k: ranking (vLLM's sort or Triton path, its default before 0.22) or flashinfer (sort-free: SGLang, vLLM from 0.22). The engine's default when omitted (vLLM: ranking)." };
        var prompt = new Option<string>("--prompt") { Description = "Prompt-chunk sizes in tokens, comma-separated (0: decodes alone); each row pairs one with a decoder count.", DefaultValueFactory = _ => "0" };
        var decode = new Option<string>("--decode") { Description = "Counts of decoding sequences, comma-separated (0: the prompt chunk alone).", DefaultValueFactory = _ => "1,8,32,128,256" };
        var context = new Option<int>("--context") { Description = "Each decoding sequence's context, tokens.", DefaultValueFactory = _ => 1024 };
        var maxModelLength = new Option<int?>("--max-model-len") { Description = "The longest request the server takes, prompt and output together (vLLM's --max-model-len); the model's context when omitted." };
        var speculative = new Option<string?>("--speculative") { Description = "Speculative decoding, METHOD:TOKENS:ACCEPTANCE[:DRAFT_MODEL]: eagle:3:0.6 (a draft head), mtp:1:0.8, ngram:4:0.3, draft:4:0.7:llama-3.2-1b. Each decoder verifies its drafts in the step, after the drafter's passes (a draft column); tokens/s counts the tokens a decoder is expected to keep, 1 + α + … + α^k. None when omitted." };
        var calibration = new Option<string?>("--calibration") { Description = "A calibration CSV (from `clustersim calibrate`) used in place of the shipped rows it names." };
        var models = ModelsOption.Create();
        var format = CommandLine.FormatOption("the breakdown");
        var command = new Command("step", "Time one iteration of a deployment for several batch shapes and show the step-time model's terms: GEMMs, attention, collectives, engine overhead, the sampler.")
        {
            model, hardware, tp, attention, weights, kv, engine, version, sampling, kernel, prompt, decode, context, maxModelLength, speculative, calibration, models, format,
        };
        command.SetAction(r =>
        {
            var query = new StepTimeQuery
            {
                Model = r.GetValue(model)!,
                Hardware = r.GetValue(hardware)!,
                TensorParallel = r.GetValue(tp),
                Attention = r.GetValue(attention)!,
                Weights = r.GetValue(weights)!,
                KvCache = r.GetValue(kv),
                Engine = r.GetValue(engine)!,
                EngineVersion = r.GetValue(version) ?? string.Empty,
                Sampling = r.GetValue(sampling)!,
                SamplerKernel = r.GetValue(kernel),
                PromptTokens = r.GetValue(prompt)!,
                Decoders = r.GetValue(decode)!,
                Context = r.GetValue(context),
                MaxModelLength = r.GetValue(maxModelLength),
                Speculative = r.GetValue(speculative),
            };
            return Show(query, r.GetValue(calibration), r.GetValue(models), PlainTable.Formats[r.GetValue(format)!]);
        });
        return command;
    }

    private static int Show(StepTimeQuery query, string? calibrationFile, string? modelsFile, OutputFormat format)
    {
        StepTimeBreakdown breakdown;
        string reading = "--models";   // its messages name the file
        try
        {
            SimCatalog catalog = ModelsOption.Apply(SimCatalog.Default, modelsFile);
            reading = $"--calibration {calibrationFile}";
            catalog = calibrationFile is null ? catalog : catalog.WithCalibrationFile(calibrationFile);
            breakdown = query.Run(catalog);
        }
        catch (Exception e) when (e is ArgumentException or CatalogException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {reading}: {e.Message}");
            return ExitCodes.InvalidInput;
        }

        Console.Error.WriteLine(breakdown.Describe());
        Console.Error.WriteLine(breakdown.DescribeMemory(query.Context));
        if (breakdown.CalibrationWarning is string warning)
        {
            Console.Error.WriteLine($"warning: {warning}");
        }

        foreach (string limit in breakdown.LimitWarnings(query.Context))
        {
            Console.Error.WriteLine($"warning: {limit}");
        }

        ServingDeployment d = breakdown.Deployment;
        if (TensorRtLlmAllReduce.Describe(d) is string collectives)
        {
            Console.Error.WriteLine(collectives);
        }

        if (DecodeAttentionBlocks.Describe(d) is string attention)
        {
            Console.Error.WriteLine(attention);
        }

        if (d.AcrossDomainsNote is string network)
        {
            Console.Error.WriteLine(d.NetworkLatencyAssumed ? $"warning: {network}" : network);
        }

        if (d.Sampling == SamplingMode.Filtered && query.SamplerKernel is null)
        {
            _ = SamplerKernels.DefaultFor(d.Engine, d.EngineVersion, out bool guessed);
            if (guessed)
            {
                // Not silent: the filter's cost depends on the release, which was not given.
                Console.Error.WriteLine($"note: no --engine-version, so vLLM's sampler ranks the vocabulary as releases before {SamplerKernels.FirstSortFreeVllm} do; from {SamplerKernels.FirstSortFreeVllm} on it samples with FlashInfer's sort-free kernel (--engine-version or --sampler-kernel)");
            }
        }

        if (d.Speculative is { } s)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"speculative: {s.Tokens} tokens drafted a step at acceptance {s.Acceptance:0.###}: each decoder emits {s.TokensPerStep:0.###} tokens a step in expectation, its accepted drafts and the target's own (tokens/s counts those); the draft column is the drafter's {s.Tokens} passes"));
        }

        // The draft column only when something drafts, so that the breakdown without speculation keeps its columns.
        bool drafts = d.Speculative is not null;
        return CatalogCommand.Show(format, "One iteration's time by term (ms)",
            ["prompt tokens", "decoders", "context", "dense GEMM", "expert GEMM", "attention", "collectives", "overhead", "sampler", .. drafts ? ["draft"] : Array.Empty<string>(), "total ms", "bound", "tokens/s"],
            [.. breakdown.Rows.Select(row => (IReadOnlyList<string>)
            [
                N(row.Shape.PromptTokens), N(row.Shape.Decoders), N(row.Shape.Context),
                Ms(row.Terms.DenseGemm), Ms(row.Terms.ExpertGemm), Ms(row.Terms.Attention), Ms(row.Terms.Collectives), Ms(row.Terms.Overhead), Ms(row.Terms.Sampler),
                .. drafts ? [Ms(row.Terms.Draft)] : Array.Empty<string>(),
                Ms(row.Terms.Total), row.Terms.ComputeBound ? "compute" : "memory", row.TokensPerSecond.ToString("0", CultureInfo.InvariantCulture),
            ])]);
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Ms(double seconds) => (seconds * 1e3).ToString("0.000", CultureInfo.InvariantCulture);
}
