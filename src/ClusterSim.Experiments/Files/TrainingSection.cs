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
    };

    public static readonly Dictionary<string, Precision> Precisions = new() { ["bf16"] = Precision.BF16, ["fp8"] = Precision.FP8 };

    /// <summary>The job, or null when the section is absent or has problems (reported to <paramref name="r"/>).</summary>
    public static TrainingJob? Read(YamlReader r, YamlMappingNode root, SimCatalog catalog)
    {
        const string path = "training";
        YamlMappingNode? node = r.Mapping(YamlReader.Child(root, path), path,
            "model", "hardware", "accelerators", "tokens", "global_batch_tokens", "sequence_length", "precision", "parallelism", "efficiency", "failures", "checkpoints", "price_per_hour", "pue", "power_fraction", "moe");
        if (node is null)
        {
            return null;
        }

        ModelSpec? model = Lookup(r, node, "model", id => catalog.Models.TryGet(id, out ModelSpec m) ? m : null, catalog.Models.Ids);
        AcceleratorSpec? chip = Lookup(r, node, "hardware", id => catalog.Hardware.TryGet(id, out AcceleratorSpec a) ? a : null, catalog.Hardware.Ids);

        YamlMappingNode? par = r.Mapping(YamlReader.Child(node, "parallelism"), "training.parallelism",
            "tensor", "pipeline", "data", "expert", "micro_batch", "schedule", "chunks", "zero_stage", "recompute");
        const string pp = "training.parallelism";
        var plan = new ParallelismPlan
        {
            TensorParallel = r.Integer(par, "tensor", pp, 1, 1, 1024),
            PipelineParallel = r.Integer(par, "pipeline", pp, 1, 1, 1024),
            DataParallel = r.Integer(par, "data", pp, 1, 1, 1_000_000),
            ExpertParallel = r.Integer(par, "expert", pp, 1, 1, 4096),
            MicroBatchSize = r.Integer(par, "micro_batch", pp, 1, 1, 4096),
            Schedule = r.Choice(par, "schedule", pp, PipelineSchedule.OneForwardOneBackward, Schedules),
            InterleavedChunks = r.Integer(par, "chunks", pp, 1, 1, 64),
            ZeroStage = r.Integer(par, "zero_stage", pp, 1, 0, 3),
            Recompute = r.Choice(par, "recompute", pp, RecomputeKind.Selective, Recompute),
        };
        int accelerators = r.Integer(node, "accelerators", path, plan.Accelerators, 1, 10_000_000);
        if (accelerators != plan.Accelerators)
        {
            r.Problem(YamlReader.Child(node, "accelerators"), "training.accelerators",
                $"{accelerators} accelerators do not match the plan's tensor × pipeline × data = {plan.Accelerators}");
        }

        TrainingEfficiency calibrated = CalibratedTrainingEfficiency.For(chip?.Id ?? string.Empty);
        YamlMappingNode? eff = r.Mapping(YamlReader.Child(node, "efficiency"), "training.efficiency", "matmul", "link", "dp_overlap", "step_overhead_s", "collective_latency_us");
        const string ep = "training.efficiency";
        var efficiency = new TrainingEfficiency
        {
            Matmul = r.Number(eff, "matmul", ep, calibrated.Matmul, 0, 1, exclusiveMin: true),
            Link = r.Number(eff, "link", ep, calibrated.Link, 0, 1, exclusiveMin: true),
            DataParallelOverlap = r.Number(eff, "dp_overlap", ep, calibrated.DataParallelOverlap, 0, 1),
            StepOverheadSeconds = r.Number(eff, "step_overhead_s", ep, calibrated.StepOverheadSeconds, 0),
            CollectiveLatencySeconds = r.Number(eff, "collective_latency_us", ep, calibrated.CollectiveLatencySeconds * 1e6, 0) / 1e6,
        };

        var defaults = new FailureModel();
        YamlMappingNode? fail = r.Mapping(YamlReader.Child(node, "failures"), "training.failures", "enabled", "mtbf_hours", "planned_per_day", "restart_s");
        const string fp = "training.failures";
        var failures = new FailureModel
        {
            Enabled = r.Flag(fail, "enabled", fp, true),
            MtbfHoursPerAccelerator = r.Number(fail, "mtbf_hours", fp, defaults.MtbfHoursPerAccelerator, 0, exclusiveMin: true),
            PlannedPerDay = r.Number(fail, "planned_per_day", fp, defaults.PlannedPerDay, 0),
            RestartSeconds = r.Number(fail, "restart_s", fp, defaults.RestartSeconds, 0),
        };

        YamlMappingNode? ckpt = r.Mapping(YamlReader.Child(node, "checkpoints"), "training.checkpoints", "write_s", "interval_s");
        var checkpoints = new CheckpointPolicy
        {
            WriteSeconds = r.Number(ckpt, "write_s", "training.checkpoints", new CheckpointPolicy().WriteSeconds, 0),
            IntervalSeconds = YamlReader.Child(ckpt, "interval_s") is null ? null : r.Number(ckpt, "interval_s", "training.checkpoints", 3600, 0, exclusiveMin: true),
        };

        double? price = YamlReader.Child(node, "price_per_hour") is null ? null : r.Number(node, "price_per_hour", path, 0, 0);
        var job = new TrainingJob
        {
            Model = model!,
            Accelerator = chip!,
            Plan = plan,
            Tokens = r.Number(node, "tokens", path, 0, 0, exclusiveMin: true),
            GlobalBatchTokens = r.Number(node, "global_batch_tokens", path, 4 * 1024 * 1024, 1),
            SequenceLength = r.Integer(node, "sequence_length", path, 4096, 1, 10_000_000),
            Precision = r.Choice(node, "precision", path, Precision.BF16, Precisions),
            Efficiency = efficiency,
            Failures = failures,
            Checkpoints = checkpoints,
            PricePerHour = price,
            Pue = r.Number(node, "pue", path, 1.1, 1, 3),
            PowerFraction = r.Number(node, "power_fraction", path, 0.8, 0, 1, exclusiveMin: true),
            ExpertRouting = model is null ? null : MoeSection.Read(r, node, model, "training.moe"),
        };
        if (YamlReader.Child(node, "tokens") is null)
        {
            r.Problem(node, "training.tokens", "is required (tokens to train on, e.g. 15.6e12)");
        }

        if (model is null || chip is null || r.Problems.Count > 0)
        {
            return null;
        }

        try
        {
            TrainingMemory.Of(job.Validated()).EnsureFits();
            return job;
        }
        catch (ArgumentException e)
        {
            r.Problem(node, "training", e.Message);
            return null;
        }
    }

    private static T? Lookup<T>(YamlReader r, YamlMappingNode node, string key, Func<string, T?> find, IEnumerable<string> ids)
        where T : class
    {
        string id = r.Text(node, key, "training", required: true) ?? string.Empty;
        T? value = id.Length == 0 ? null : find(id);
        if (id.Length > 0 && value is null)
        {
            r.Problem(YamlReader.Child(node, key), $"training.{key}", $"unknown {key} '{id}'{ClosestName.Hint(id, ids)}");
        }

        return value;
    }
}
