using System.Globalization;
using System.Text;
using ClusterSim.Core.Training;

namespace ClusterSim.Experiments.Files;

/// <summary>YAML text of the training and lifecycle sections with every default explicit.</summary>
internal static class ResolvedSections
{
    /// <summary>
    /// A number as the resolved experiment writes it: the shortest text that reads back as the same double (invariant
    /// culture), so a resolved file reruns the numbers the run used (six significant digits turned a 16,777,216-token batch
    /// into 16,777,200).
    /// </summary>
    public static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// The job's keys as <see cref="Training"/> writes them, each line indented by <paramref name="indent"/> more and without
    /// the <c>training:</c> line (a job nested in another section); without its hardware where the caller's context gives it.
    /// </summary>
    public static IEnumerable<string> TrainingKeys(TrainingJob j, string indent, bool withHardware) =>
        Training(j).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1)
            .Where(line => withHardware || !line.StartsWith("  hardware:", StringComparison.Ordinal))
            .Select(line => indent + line.TrimEnd('\r'));

    public static string Training(TrainingJob j)
    {
        ParallelismPlan p = j.Plan;
        var t = new StringBuilder();
        t.AppendLine("training:");
        t.AppendLine(CultureInfo.InvariantCulture, $"  model: {j.Model.Id}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  hardware: {j.Accelerator.Id}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  accelerators: {p.Accelerators}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  tokens: {F(j.Tokens)}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  global_batch_tokens: {F(j.GlobalBatchTokens)}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  sequence_length: {j.SequenceLength}");
        if (j.Stages.Count > 0)
        {
            t.AppendLine("  stages:");
            foreach (TrainingJob s in j.StageJobs())
            {
                t.AppendLine(CultureInfo.InvariantCulture, $"    - {{ tokens: {F(s.Tokens)}, global_batch_tokens: {F(s.GlobalBatchTokens)}, sequence_length: {s.SequenceLength}, data: {s.Plan.DataParallel}, context: {s.Plan.ContextParallel} }}");
            }
        }

        t.AppendLine(CultureInfo.InvariantCulture, $"  precision: {TrainingSection.Precisions.First(s => s.Value == j.Precision).Key}");
        if (j.Precision == Core.Catalog.Precision.FP8)
        {
            t.AppendLine(CultureInfo.InvariantCulture, $"  fp8_scaling: {TrainingSection.Fp8Scalings.First(s => s.Value == j.Fp8Scaling).Key}");
        }

        t.AppendLine(CultureInfo.InvariantCulture, $"  attention: {TrainingSection.AttentionKernels.First(s => s.Value == j.Attention).Key}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  mtp_depth: {j.MultiTokenPredictionDepth}");
        string schedule = TrainingSection.Schedules.First(s => s.Value == p.Schedule).Key;
        string recompute = TrainingSection.Recompute.First(s => s.Value == p.Recompute).Key;
        t.AppendLine(CultureInfo.InvariantCulture, $"  parallelism: {{ tensor: {p.TensorParallel}, context: {p.ContextParallel}, pipeline: {p.PipelineParallel}, data: {p.DataParallel}, expert: {p.ExpertParallel}{(p.FoldsExperts ? $", expert_tensor: {p.ExpertTensorParallel}" : string.Empty)}{(p.ExpertDispatch == DispatchGranularity.PerDomain ? ", expert_dispatch: per_node" : string.Empty)}, expert_overlap: {F(p.ExpertOverlap)}, expert_node_limit: {p.ExpertNodeLimit}, micro_batch: {p.MicroBatchSize}, schedule: {schedule}, chunks: {p.InterleavedChunks}, zero_stage: {p.ZeroStage}, zero_shard_group: {p.ZeroShardGroup}, recompute: {recompute}, sequence_parallel: {(p.SequenceParallel ? "true" : "false")}{(p.OffloadActivations ? ", activation_offload: true" : string.Empty)} }}");
        TrainingEfficiency e = j.Efficiency;
        t.AppendLine(CultureInfo.InvariantCulture, $"  efficiency: {{ matmul: {F(e.Matmul)}, memory: {F(e.Memory)}, link: {F(e.Link)}, dp_overlap: {F(e.DataParallelOverlap)}, step_overhead_s: {F(e.StepOverheadSeconds)}, collective_latency_us: {F(e.CollectiveLatencySeconds * 1e6)}{(e.ExpertMatmul < 1 ? $", expert_matmul: {F(e.ExpertMatmul)}" : string.Empty)}{(j.Model.HasLinearLayers ? $", scan: {F(e.Scan)}" : string.Empty)} }}");
        FailureModel f = j.Failures;
        t.AppendLine(CultureInfo.InvariantCulture, $"  failures: {{ enabled: {(f.Enabled ? "true" : "false")}, mtbf_hours: {F(f.MtbfHoursPerAccelerator)}, planned_per_day: {F(f.PlannedPerDay)}, restart_s: {F(f.RestartSeconds)} }}");
        // Without a fixed interval the run takes Young/Daly's from the job's MTBF: interval_s is left out (a comment inside
        // the braces would swallow the closing one).
        string interval = j.Checkpoints.IntervalSeconds is { } i ? $", interval_s: {F(i)} }}" : " }   # interval: Young/Daly";
        t.AppendLine(CultureInfo.InvariantCulture, $"  checkpoints: {{ write_s: {F(j.Checkpoints.WriteSeconds)}{interval}");
        if (j.ExpertRouting is { } moe)
        {
            t.AppendLine(CultureInfo.InvariantCulture, $"  moe: {MoeSection.Inline(moe)}");
        }

        if (!double.IsNaN(j.EffectivePricePerHour))
        {
            // A cluster's job on a chip without a catalog price is paid for by its pool: it has no price of its own to write.
            t.AppendLine(CultureInfo.InvariantCulture, $"  price_per_hour: {F(j.EffectivePricePerHour)}");
        }

        t.AppendLine(CultureInfo.InvariantCulture, $"  pue: {F(j.Pue)}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  power_fraction: {F(j.PowerFraction)}");
        return t.ToString();
    }

    public static string Lifecycle(LifecycleSpec l)
    {
        var t = new StringBuilder();
        t.AppendLine("lifecycle:");
        if (l.LaunchDate is { } date)
        {
            t.AppendLine(CultureInfo.InvariantCulture, $"  launch_date: {date:yyyy-MM-dd}");
        }

        t.AppendLine(CultureInfo.InvariantCulture, $"  horizon_days: {F(l.ServingDays)}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  demand: {DemandSection.Resolved(l.Demand)}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  headroom: {F(l.Headroom)}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  cold_start_s: {F(l.ColdStartSeconds)}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  software_gain_per_year: {F(l.SoftwareGainPerYear)}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  cell_replicas: {l.CellReplicas}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  price: {{ per_hour: {F(l.Cost.Rental.StartPerHour)}, yearly_change: {F(l.Cost.Rental.YearlyChange)}, floor: {F(l.Cost.Rental.FloorPerHour)} }}");
        if (l.Cost.Capex is { } c)
        {
            t.AppendLine(CultureInfo.InvariantCulture, $"  capex: {{ purchase_usd: {F(c.PurchaseUsd)}, lifetime_years: {F(c.LifetimeYears)}, residual: {F(c.ResidualFraction)} }}");
        }

        t.AppendLine(CultureInfo.InvariantCulture, $"  energy: {{ usd_per_kwh: {F(l.Cost.Energy.UsdPerKwh)}, pue: {F(l.Cost.Energy.Pue)}, idle_fraction: {F(l.Cost.Energy.IdleFraction)} }}");
        return t.ToString();
    }
}
