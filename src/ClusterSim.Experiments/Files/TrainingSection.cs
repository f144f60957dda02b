using ClusterSim.Core.Catalog;
using ClusterSim.Core.Training;
using YamlDotNet.RepresentationModel;

namespace ClusterSim.Experiments.Files;

/// <summary>Reads the <c>training:</c> section of an experiment into a validated <see cref="TrainingJob"/>.</summary>
internal static class TrainingSection
{
    public static readonly Dictionary<string, RecomputeKind> Recompute = new()
    {
        ["none"] = RecomputeKind.None,
        ["selective"] = RecomputeKind.Selective,
        ["full"] = RecomputeKind.Full,
    };

    public static readonly Dictionary<string, PipelineSchedule> Schedules = new()
    {
        ["1f1b"] = PipelineSchedule.OneForwardOneBackward,
        ["interleaved"] = PipelineSchedule.Interleaved,
        ["zero_bubble"] = PipelineSchedule.ZeroBubble,
        ["dualpipe"] = PipelineSchedule.DualPipe,
    };

    /// <summary>Expert dispatchers: a copy each (NCCL all-to-all) or once a domain (DeepEP, HybridEP).</summary>
    public static readonly Dictionary<string, DispatchGranularity> Dispatchers = new() { ["per_copy"] = DispatchGranularity.PerCopy, ["per_node"] = DispatchGranularity.PerDomain };

    public static readonly Dictionary<string, AttentionKernel> AttentionKernels = new() { ["fused"] = AttentionKernel.Fused, ["materialized"] = AttentionKernel.Materialized };

    /// <summary>Training precisions of the linear layers; fp4 (NVFP4/MXFP4 on Blackwell) runs at the catalog's fp4_tflops.</summary>
    public static readonly Dictionary<string, Precision> Precisions = new() { ["bf16"] = Precision.BF16, ["fp8"] = Precision.FP8, ["fp4"] = Precision.INT4 };

    /// <summary>FP8 scaling recipes: one scale a tensor (Transformer Engine's default) or a scale a block (DeepSeek-V3's).</summary>
    public static readonly Dictionary<string, Fp8Scaling> Fp8Scalings = new() { ["tensor"] = Fp8Scaling.Tensor, ["block"] = Fp8Scaling.Block };

    /// <summary>The keys a job reads besides <c>hardware</c>; a caller adds its own and validates the mapping with all of them.</summary>
    public static readonly string[] JobKeys =
        ["model", "accelerators", "tokens", "global_batch_tokens", "sequence_length", "precision", "fp8_scaling", "attention", "mtp_depth", "stages", "parallelism", "efficiency", "failures", "checkpoints", "price_per_hour", "pue", "power_fraction", "moe"];

    /// <summary>The job, or null when the section is absent or has problems (reported to <paramref name="r"/>).</summary>
    public static TrainingJob? Read(YamlReader r, YamlMappingNode root, SimCatalog catalog, ISet<string> calibrations)
    {
        const string path = "training";
        YamlMappingNode? node = r.Mapping(YamlReader.Child(root, path), path, [.. JobKeys, "hardware"]);
        return node is null ? null : ReadJob(r, node, path, catalog, chip: null, calibrations);
    }

    /// <summary>The stages listed under <c>stages:</c> (a batch-size ramp, a long-context extension, a change of scale).</summary>
    private static List<TrainingStage> ReadStages(YamlReader r, YamlMappingNode node, string path)
    {
        var stages = new List<TrainingStage>();
        YamlNode? list = YamlReader.Child(node, "stages");
        if (list is null)
        {
            return stages;
        }

        if (list is not YamlSequenceNode sequence || sequence.Children.Count == 0)
        {
            r.Problem(list, $"{path}.stages", "expected a list of stages, each { tokens, global_batch_tokens, sequence_length, data, context }");
            return stages;
        }

        for (int i = 0; i < sequence.Children.Count; i++)
        {
            string sp = $"{path}.stages[{i + 1}]";
            YamlMappingNode? stage = r.Mapping(sequence.Children[i], sp, "tokens", "global_batch_tokens", "sequence_length", "data", "context");
            if (stage is null)
            {
                continue;
            }

            if (YamlReader.Child(stage, "tokens") is null)
            {
                r.Problem(stage, $"{sp}.tokens", "is required (tokens trained in this stage)");
            }

            stages.Add(new TrainingStage
            {
                Tokens = r.Number(stage, "tokens", sp, 1, 0, exclusiveMin: true),
                GlobalBatchTokens = YamlReader.Child(stage, "global_batch_tokens") is null ? null : r.Number(stage, "global_batch_tokens", sp, 1, 1),
                SequenceLength = YamlReader.Child(stage, "sequence_length") is null ? null : r.Integer(stage, "sequence_length", sp, 1, 1, 10_000_000),
                DataParallel = YamlReader.Child(stage, "data") is null ? null : r.Integer(stage, "data", sp, 1, 1, 1_000_000),
                ContextParallel = YamlReader.Child(stage, "context") is null ? null : r.Integer(stage, "context", sp, 1, 1, 1024),
            });
        }

        return stages;
    }

    /// <summary>
    /// The job written at <paramref name="path"/>, on <paramref name="chip"/> when the caller names the hardware (a cluster's
    /// pool) or on the node's own <c>hardware</c>; null when it has problems (reported to <paramref name="r"/>).
    /// </summary>
    public static TrainingJob? ReadJob(YamlReader r, YamlMappingNode node, string path, SimCatalog catalog, AcceleratorSpec? chip, ISet<string> calibrations)
    {
        int problemsBefore = r.Problems.Count;   // the job stands on its own problems, not on another section's
        bool onPool = chip is not null;
        ModelSpec? model = Lookup(r, node, "model", path, id => catalog.Models.TryResolve(id, out ModelSpec m) ? m : null, catalog.Models.Ids);
        chip ??= Lookup(r, node, "hardware", path, id => catalog.Hardware.TryResolve(id, out AcceleratorSpec a) ? a : null, catalog.Hardware.Ids);

        string pp = $"{path}.parallelism";
        YamlMappingNode? par = r.Mapping(YamlReader.Child(node, "parallelism"), pp,
            "tensor", "context", "pipeline", "data", "expert", "expert_tensor", "expert_dispatch", "expert_overlap", "expert_node_limit", "micro_batch", "schedule", "chunks", "zero_stage", "zero_shard_group",
            "recompute", "sequence_parallel", "activation_offload");
        var plan = new ParallelismPlan
        {
            TensorParallel = r.Integer(par, "tensor", pp, 1, 1, 1024),
            ContextParallel = r.Integer(par, "context", pp, 1, 1, 1024),
            ExpertOverlap = r.Number(par, "expert_overlap", pp, 0, 0, 1),
            ExpertNodeLimit = r.Integer(par, "expert_node_limit", pp, 0, 0, 4096),
            ZeroShardGroup = r.Integer(par, "zero_shard_group", pp, 0, 0, 1_000_000),
            SequenceParallel = r.Flag(par, "sequence_parallel", pp, true),
            OffloadActivations = r.Flag(par, "activation_offload", pp, false),
            PipelineParallel = r.Integer(par, "pipeline", pp, 1, 1, 1024),
            DataParallel = r.Integer(par, "data", pp, 1, 1, 1_000_000),
            ExpertParallel = r.Integer(par, "expert", pp, 1, 1, 4096),
            ExpertTensorParallel = r.Integer(par, "expert_tensor", pp, 0, 0, 1024),
            ExpertDispatch = r.Choice(par, "expert_dispatch", pp, DispatchGranularity.PerCopy, Dispatchers),
            MicroBatchSize = r.Integer(par, "micro_batch", pp, 1, 1, 4096),
            Schedule = r.Choice(par, "schedule", pp, PipelineSchedule.OneForwardOneBackward, Schedules),
            InterleavedChunks = r.Integer(par, "chunks", pp, 1, 1, 64),
            ZeroStage = r.Integer(par, "zero_stage", pp, 1, 0, 3),
            Recompute = r.Choice(par, "recompute", pp, RecomputeKind.Selective, Recompute),
        };
        int accelerators = r.Integer(node, "accelerators", path, plan.Accelerators, 1, 10_000_000);
        if (accelerators != plan.Accelerators)
        {
            r.Problem(YamlReader.Child(node, "accelerators"), $"{path}.accelerators",
                $"{accelerators} accelerators do not match the plan's tensor × context × pipeline × data = {plan.Accelerators}");
        }

        Precision precision = r.Choice(node, "precision", path, Precision.BF16, Precisions);
        // Read whatever the precision (a sweep may set bf16 on a base that names an FP8 recipe); it picks FP8's row alone.
        Fp8Scaling scaling = r.Choice(node, "fp8_scaling", path, Fp8Scaling.Tensor, Fp8Scalings);
        (TrainingEfficiency calibrated, string description, string? warning) = chip is null
            ? (new TrainingEfficiency(), string.Empty, null)
            : TrainingCalibrations.For(chip, precision, scaling);
        string ep = $"{path}.efficiency";
        YamlMappingNode? eff = r.Mapping(YamlReader.Child(node, "efficiency"), ep, "matmul", "expert_matmul", "scan", "memory", "link", "dp_overlap", "step_overhead_s", "collective_latency_us");
        if (chip is not null)
        {
            calibrations.Add(YamlReader.Child(eff, "matmul") is not null ? $"{chip.Id} training: matmul efficiency set by the experiment ({path}.efficiency)"
                : warning is null ? description : $"warning: {warning}");
        }

        var efficiency = new TrainingEfficiency
        {
            Matmul = r.Number(eff, "matmul", ep, calibrated.Matmul, 0, 1, exclusiveMin: true),
            ExpertMatmul = r.Number(eff, "expert_matmul", ep, calibrated.ExpertMatmul, 0, 1, exclusiveMin: true),
            Scan = r.Number(eff, "scan", ep, calibrated.Scan, 0, 1, exclusiveMin: true),
            Memory = r.Number(eff, "memory", ep, calibrated.Memory, 0, 1, exclusiveMin: true),
            Link = r.Number(eff, "link", ep, calibrated.Link, 0, 1, exclusiveMin: true),
            DataParallelOverlap = r.Number(eff, "dp_overlap", ep, calibrated.DataParallelOverlap, 0, 1),
            StepOverheadSeconds = r.Number(eff, "step_overhead_s", ep, calibrated.StepOverheadSeconds, 0),
            CollectiveLatencySeconds = r.Number(eff, "collective_latency_us", ep, calibrated.CollectiveLatencySeconds * 1e6, 0) / 1e6,
        };

        var defaults = new FailureModel();
        string fp = $"{path}.failures";
        YamlMappingNode? fail = r.Mapping(YamlReader.Child(node, "failures"), fp, "enabled", "mtbf_hours", "planned_per_day", "restart_s");
        var failures = new FailureModel
        {
            Enabled = r.Flag(fail, "enabled", fp, true),
            MtbfHoursPerAccelerator = r.Number(fail, "mtbf_hours", fp, defaults.MtbfHoursPerAccelerator, 0, exclusiveMin: true),
            PlannedPerDay = r.Number(fail, "planned_per_day", fp, defaults.PlannedPerDay, 0),
            RestartSeconds = r.Number(fail, "restart_s", fp, defaults.RestartSeconds, 0),
        };

        string cp = $"{path}.checkpoints";
        YamlMappingNode? ckpt = r.Mapping(YamlReader.Child(node, "checkpoints"), cp, "write_s", "interval_s");
        var checkpoints = new CheckpointPolicy
        {
            WriteSeconds = r.Number(ckpt, "write_s", cp, new CheckpointPolicy().WriteSeconds, 0),
            IntervalSeconds = YamlReader.Child(ckpt, "interval_s") is null ? null : r.Number(ckpt, "interval_s", cp, 3600, 0, exclusiveMin: true),
        };

        double? price = YamlReader.Child(node, "price_per_hour") is null ? null : r.Number(node, "price_per_hour", path, 0, 0);
        if (!onPool && price is null && chip is { PricePerHour: null })
        {
            // A cluster's job is paid for by its pool; a run of its own needs a price, or its cost would read $0.
            r.Problem(node, $"{path}.price_per_hour", $"{chip.Id} has no price in the catalog; give price_per_hour (USD per accelerator-hour)");
        }

        var job = new TrainingJob
        {
            Model = model!,
            Accelerator = chip!,
            Plan = plan,
            Tokens = r.Number(node, "tokens", path, 0, 0, exclusiveMin: true),
            GlobalBatchTokens = r.Number(node, "global_batch_tokens", path, 4 * 1024 * 1024, 1),
            SequenceLength = r.Integer(node, "sequence_length", path, 4096, 1, 10_000_000),
            Precision = precision,
            Fp8Scaling = scaling,
            Attention = r.Choice(node, "attention", path, AttentionKernel.Fused, AttentionKernels),
            MultiTokenPredictionDepth = r.Integer(node, "mtp_depth", path, 0, 0, 8),
            Efficiency = efficiency,
            Failures = failures,
            Checkpoints = checkpoints,
            PricePerHour = price,
            Pue = r.Number(node, "pue", path, 1.1, 1, 3),
            PowerFraction = r.Number(node, "power_fraction", path, 0.8, 0, 1, exclusiveMin: true),
            ExpertRouting = model is null ? null : MoeSection.Read(r, node, model, $"{path}.moe"),
        };
        IReadOnlyList<TrainingStage> stages = ReadStages(r, node, path);
        if (stages.Count > 0)
        {
            double total = stages.Sum(s => s.Tokens);
            if (YamlReader.Child(node, "tokens") is { } tokens && Math.Abs(job.Tokens - total) > 1e-9 * total)
            {
                r.Problem(tokens, $"{path}.tokens", $"{job.Tokens:G6} tokens do not match the stages' sum of {total:G6}; give one or the other");
            }

            job = job with { Stages = stages, Tokens = total };
            if (onPool)
            {
                r.Problem(YamlReader.Child(node, "stages"), $"{path}.stages", "a cluster job runs one shape; stages are for a training section of its own");
            }
        }
        else if (YamlReader.Child(node, "tokens") is null)
        {
            r.Problem(node, $"{path}.tokens", "is required (tokens to train on, e.g. 15.6e12), or stages with their tokens");
        }

        if (model is null || chip is null || r.Problems.Count > problemsBefore)
        {
            return null;
        }

        try
        {
            TrainingMemory.Of(job.Validated()).EnsureFits();
            if (TrainingRun.WhyUnfinishable(job) is { } why)
            {
                r.Problem(YamlReader.Child(node, "tokens") ?? node, $"{path}.tokens", why);
                return null;
            }

            return job;
        }
        catch (ArgumentException e)
        {
            r.Problem(node, path, e.Message);
            return null;
        }
    }

    private static T? Lookup<T>(YamlReader r, YamlMappingNode node, string key, string path, Func<string, T?> find, IEnumerable<string> ids)
        where T : class
    {
        string id = r.Text(node, key, path, required: true) ?? string.Empty;
        T? value = id.Length == 0 ? null : find(id);
        if (id.Length > 0 && value is null)
        {
            r.Problem(YamlReader.Child(node, key), $"{path}.{key}", $"unknown {key} '{id}'{ClosestName.Hint(id, ids)}");
        }

        return value;
    }
}
