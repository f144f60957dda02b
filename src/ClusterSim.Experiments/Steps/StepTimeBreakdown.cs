using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Steps;

/// <summary>
/// What the <c>step</c> command reports: the deployment it timed, the calibration behind the factors (and the warning when
/// that calibration was not fitted for this accelerator and precision), and one row per shape.
/// </summary>
public sealed record StepTimeBreakdown(ServingDeployment Deployment, string? CalibrationWarning, IReadOnlyList<StepTimeRow> Rows)
{
    /// <summary>One line naming the deployment and the calibration its factors come from.</summary>
    public string Describe()
    {
        ServingDeployment d = Deployment;
        string engine = Files.DeploymentSection.EngineName(d.Engine);
        string sustained = d.Accelerator.SustainedShare < 1
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (at {d.Accelerator.SustainedShare:0.##} of its datasheet peaks and bandwidth, as measured)")
            : string.Empty;
        return $"{d.Model.Id} on {d.TensorParallel} x {d.Accelerator.Id}{sustained}, {Name(d.Weights)} weights, {Name(d.KvCache)} KV cache, {engine}: calibration {d.CalibrationName}";
    }

    /// <summary>
    /// One line on memory: the weights per accelerator and the KV cache the rest holds, in tokens and in sequences of the
    /// decoders' context (vLLM's default 90 % of memory), each sequence with the blocks it holds whole beside its context's
    /// (sliding-window layers' KV, a hybrid's recurrent state).
    /// </summary>
    public string DescribeMemory(int context)
    {
        ServingDeployment d = Deployment;
        long tokens = (long)d.KvBlocks * d.KvBlockTokens;
        long sequences = Resident(context);
        string state = d.Model.HasLinearLayers
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (each also holding {d.LinearStateBytes / 1048576:F1} MiB of recurrent state)")
            : string.Empty;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"memory: {d.WeightBytes / d.Accelerators / 1e9:F1} GB of weights and {d.RuntimeBytesPerAccelerator / 1073741824.0:F2} GiB of runtime per accelerator{(d.Engine == ServingEngine.Vllm ? " (vLLM's start-up profile at its default batch limits)" : d.Engine == ServingEngine.Sglang ? $" (SGLang keeps {d.MemoryReserve:P1} of memory back for activations and CUDA graphs)" : string.Empty)}; KV cache {tokens:N0} tokens ({d.KvBlocks:N0} blocks of {d.KvBlockTokens}), {sequences:N0} sequences of {context:N0} tokens{state}");
    }

    /// <summary>Sequences of <paramref name="context"/> tokens the KV cache holds at once.</summary>
    private long Resident(int context) => Deployment.KvBlocks / Deployment.SequenceBlocks(Math.Max(1, context));

    private static string Name(Core.Catalog.Precision precision) => precision.ToString().ToLowerInvariant();

    /// <summary>
    /// What a server would not run of these shapes, each a warning: a decoder's context or a prompt chunk longer than the
    /// model's, a deployment vLLM would not start at the model's context (<see cref="ServingDeployment.VllmStartUpRefusal"/>),
    /// and rows with more decoders of that context than the KV cache holds at once. Their step times are still given (the
    /// arithmetic holds), but no replica reaches them.
    /// </summary>
    public IEnumerable<string> LimitWarnings(int context)
    {
        ServingDeployment d = Deployment;
        int window = d.ContextLimit;
        string whose = d.MaxModelLength > 0
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the server's max_model_len of {window:N0}")
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{d.Model.Id}'s context of {window:N0}");
        if (context > window)
        {
            yield return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"a context of {context:N0} tokens is longer than {whose}: a server refuses such a sequence");
        }

        int longestPrompt = Rows.Count == 0 ? 0 : Rows.Max(r => r.Shape.PromptTokens);
        if (longestPrompt > window)
        {
            yield return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"a prompt chunk of {longestPrompt:N0} tokens is longer than {whose}: a server refuses such a prompt");
        }

        if (d.VllmStartUpRefusal is { } refusal)
        {
            yield return refusal;
        }

        long resident = Resident(context);
        int mostDecoders = Rows.Count == 0 ? 0 : Rows.Max(r => r.Shape.Decoders);
        if (mostDecoders > resident)
        {
            yield return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the KV cache holds {resident:N0} sequences of {context:N0} tokens, so the rows with more decoders (up to {mostDecoders:N0}) never run at once: a server preempts or queues the rest");
        }
    }

    /// <summary>Times every combination of <paramref name="promptTokens"/> and <paramref name="decoders"/> (prompts outer; a value given twice once), each decoder at <paramref name="context"/> tokens.</summary>
    public static StepTimeBreakdown Of(ServingDeployment deployment, string? warning, IReadOnlyList<int> promptTokens, IReadOnlyList<int> decoders, int context)
    {
        var model = new StepTimeModel(deployment);
        var rows = new List<StepTimeRow>();
        foreach (int prompt in promptTokens.Distinct())
        {
            foreach (int decoding in decoders.Distinct())
            {
                var shape = new StepShape(prompt, decoding, context);
                if (shape.NewTokens == 0)
                {
                    continue;
                }

                BatchShape batch = shape.Batch(deployment.UnevenChunkRanks);
                if (model.Speculative is { } speculative && speculative.SpeculatesWith(decoding))
                {
                    // As a replica's speculating step: each decoder verifies its drafts, after the drafter's passes.
                    rows.Add(new StepTimeRow(shape, model.Terms(model.Speculate(batch, decoding, (double)decoding * context)), speculative.TokensPerStep));
                }
                else
                {
                    rows.Add(new StepTimeRow(shape, model.Terms(batch)));
                }
            }
        }

        return new StepTimeBreakdown(deployment, warning, rows);
    }
}
