using ClusterSim.Core.Training;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Tests.Files;

public class TrainingSectionTests
{
    private const string Valid = """
        name: t
        training:
          model: llama-3.1-8b
          hardware: H100-SXM
          tokens: 1e11
          global_batch_tokens: 4194304
          sequence_length: 8192
          parallelism: { tensor: 8, data: 16 }
        """;

    [Fact]
    public void A_training_only_experiment_loads_with_calibrated_defaults()
    {
        Experiment experiment = ExperimentLoader.Parse(Valid, "t.yaml");
        var job = experiment.Points[0].Training!;
        Assert.Null(experiment.Points[0].Serving);
        Assert.Equal(128, job.Plan.Accelerators);
        Assert.Equal(TrainingCalibrations.All.Single(c => c.Id == "hopper-megatron" && c.Precision == Core.Catalog.Precision.BF16).Efficiency.Matmul, job.Efficiency.Matmul);
        Assert.Contains(experiment.Calibrations, c => c.Contains("hopper-megatron (fitted on Llama 3.1 405B", StringComparison.Ordinal));
        Assert.Contains("parallelism: { tensor: 8, context: 1, pipeline: 1, data: 16", experiment.ResolvedText, StringComparison.Ordinal);
    }

    [Fact]
    public void Fp8_scaling_picks_the_calibration_row_and_is_echoed_for_fp8_alone()
    {
        string fp8 = Valid.Replace("sequence_length: 8192", "sequence_length: 8192\n  precision: fp8");
        Experiment tensor = ExperimentLoader.Parse(fp8, "t.yaml");
        Experiment block = ExperimentLoader.Parse(fp8.Replace("precision: fp8", "precision: fp8\n  fp8_scaling: block"), "t.yaml");
        Assert.Equal((Fp8Scaling.Tensor, 0.6367), (tensor.Points[0].Training!.Fp8Scaling, tensor.Points[0].Training!.Efficiency.Matmul));
        Assert.Equal((Fp8Scaling.Block, 0.3425), (block.Points[0].Training!.Fp8Scaling, block.Points[0].Training!.Efficiency.Matmul));
        Assert.Contains("  fp8_scaling: tensor", tensor.ResolvedText, StringComparison.Ordinal);
        Assert.Contains("  fp8_scaling: block", block.ResolvedText, StringComparison.Ordinal);
        Assert.Contains(block.Calibrations, c => c.Contains("fp8 with block scaling: hopper-megatron (fitted on DeepSeek-V3", StringComparison.Ordinal));

        // The resolved file reads back to the same job.
        Assert.Equal(block.Points[0].Training!.Efficiency, ExperimentLoader.Parse(block.ResolvedText, "r.yaml").Points[0].Training!.Efficiency);

        // At BF16 it changes nothing (a sweep may set bf16 on a base that names a recipe) and is not echoed.
        Experiment bf16 = ExperimentLoader.Parse(Valid.Replace("sequence_length: 8192", "sequence_length: 8192\n  fp8_scaling: block"), "t.yaml");
        Assert.Equal(ExperimentLoader.Parse(Valid, "t.yaml").Points[0].Training!.Efficiency, bf16.Points[0].Training!.Efficiency);
        Assert.DoesNotContain("fp8_scaling", bf16.ResolvedText, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_fp8_scaling_is_refused_at_its_place()
    {
        var error = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Valid.Replace("sequence_length: 8192", "sequence_length: 8192\n  precision: fp8\n  fp8_scaling: rowwise"), "t.yaml"));
        Assert.Contains("t.yaml:9:16: training.fp8_scaling", error.Message, StringComparison.Ordinal);
        Assert.Contains("tensor", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zero_bubble")]   // as the README spells it
    [InlineData("zero-bubble")]
    [InlineData("Zero_Bubble")]
    public void The_zero_bubble_schedule_is_read_however_its_separator_is_spelt(string spelling)
    {
        // Found by TrainingFileSoakTests: names were compared with '_' read as '-' on the file's side only, so the one key
        // spelt with '_' matched no spelling at all ("unknown value 'zero_bubble' — did you mean 'zero_bubble'?").
        string file = Valid.Replace("parallelism: { tensor: 8, data: 16 }", $"parallelism: {{ tensor: 8, pipeline: 4, data: 4, schedule: {spelling} }}");
        Assert.Equal(PipelineSchedule.ZeroBubble, ExperimentLoader.Parse(file, "t.yaml").Points[0].Training!.Plan.Schedule);
    }

    [Fact]
    public void A_TPU_slice_takes_its_MaxText_calibration_offloads_activations_and_echoes_what_it_set()
    {
        string tpu = Valid.Replace("llama-3.1-8b", "mixtral-8x7b").Replace("H100-SXM", "TPU-v6e").Replace("sequence_length: 8192", "sequence_length: 4096").Replace("global_batch_tokens: 4194304", "global_batch_tokens: 12582912")
            .Replace("parallelism: { tensor: 8, data: 16 }", "parallelism: { data: 256, zero_stage: 3, micro_batch: 12, recompute: full, activation_offload: true }");
        Experiment experiment = ExperimentLoader.Parse(tpu, "t.yaml");
        TrainingJob job = experiment.Points[0].Training!;
        Assert.True(job.Plan.OffloadActivations);
        Assert.Equal((0.7622, 0.6366), (job.Efficiency.Matmul, job.Efficiency.ExpertMatmul));
        Assert.Contains(experiment.Calibrations, c => c.Contains("trillium-maxtext", StringComparison.Ordinal));
        Assert.Contains("activation_offload: true }", experiment.ResolvedText, StringComparison.Ordinal);
        Assert.Contains("expert_matmul: 0.6366 }", experiment.ResolvedText, StringComparison.Ordinal);

        // Unset, it is off and not echoed (so files without it resolve as before).
        Experiment kept = ExperimentLoader.Parse(tpu.Replace(", activation_offload: true", string.Empty), "t.yaml");
        Assert.False(kept.Points[0].Training!.Plan.OffloadActivations);
        Assert.DoesNotContain("activation_offload", kept.ResolvedText, StringComparison.Ordinal);

        // The experts' factor can be set, and is refused outside (0, 1].
        Assert.Equal(0.5, ExperimentLoader.Parse(tpu.Replace("sequence_length: 4096", "sequence_length: 4096\n  efficiency: { expert_matmul: 0.5 }"), "t.yaml").Points[0].Training!.Efficiency.ExpertMatmul);
        var bad = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(tpu.Replace("sequence_length: 4096", "sequence_length: 4096\n  efficiency: { expert_matmul: 1.5 }"), "t.yaml"));
        Assert.Contains(bad.Problems, p => p.Path == "training.efficiency.expert_matmul");
    }

    [Fact]
    public void A_hybrid_runs_its_scan_at_the_fitted_share_which_a_file_may_set_and_the_resolved_file_echoes()
    {
        string nano = Valid.Replace("llama-3.1-8b", "nemotron-3-nano-30b-a3b").Replace("hardware: H100-SXM", "hardware: GB300\n  price_per_hour: 6")
            .Replace("parallelism: { tensor: 8, data: 16 }", "parallelism: { data: 8, expert: 8, micro_batch: 4 }");
        Experiment experiment = ExperimentLoader.Parse(nano, "t.yaml");
        Assert.Equal(ClusterSim.Core.Performance.RecurrentKernels.ScanShareOfBf16Peak, experiment.Points[0].Training!.Efficiency.Scan);
        Assert.Contains("scan: 0.0084", experiment.ResolvedText, StringComparison.Ordinal);
        Assert.DoesNotContain("scan:", ExperimentLoader.Parse(Valid, "t.yaml").ResolvedText, StringComparison.Ordinal);   // a model without recurrent layers

        Assert.Equal(0.02, ExperimentLoader.Parse(nano.Replace("sequence_length: 8192", "sequence_length: 8192\n  efficiency: { scan: 0.02 }"), "t.yaml").Points[0].Training!.Efficiency.Scan);
        var bad = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(nano.Replace("sequence_length: 8192", "sequence_length: 8192\n  efficiency: { scan: 0 }"), "t.yaml"));
        Assert.Contains(bad.Problems, p => p.Path == "training.efficiency.scan");
    }

    [Fact]
    public void Stages_set_the_tokens_and_a_mismatch_is_located()
    {
        string staged = Valid.Replace("tokens: 1e11", "stages:\n    - { tokens: 2e10, global_batch_tokens: 2097152 }\n    - { tokens: 8e10 }");
        TrainingJob job = ExperimentLoader.Parse(staged, "t.yaml").Points[0].Training!;
        Assert.Equal(1e11, job.Tokens);
        Assert.Equal(2097152, job.StageJobs()[0].GlobalBatchTokens);
        Assert.Equal(4194304, job.StageJobs()[1].GlobalBatchTokens);

        string both = staged.Replace("stages:", "tokens: 5e10\n  stages:");
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(both, "t.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "training.tokens" && p.Message.Contains("do not match the stages", StringComparison.Ordinal));
    }

    [Fact]
    public void Hardware_without_a_training_fit_is_run_with_a_written_warning()
    {
        Experiment experiment = ExperimentLoader.Parse(Valid.Replace("H100-SXM", "MI300X"), "t.yaml");
        Assert.Contains(experiment.Warnings, w => w.Contains("MI300X: no training calibration", StringComparison.Ordinal));

        // B200 has an FP8 row alone (Megatron-Bridge): BF16 borrows it, and says so.
        Experiment bf16 = ExperimentLoader.Parse(Valid.Replace("H100-SXM", "B200"), "t.yaml");
        Assert.Contains(bf16.Warnings, w => w.Contains("B200: no training calibration at bf16; the fp8 with per-tensor scaling factors of blackwell-megatron", StringComparison.Ordinal));
    }

    [Fact]
    public void A_link_the_plan_needs_and_the_catalog_lacks_is_an_error()
    {
        // TPU v6e has no scale-out figure: a plan over more than its 256-chip pod cannot be timed without one.
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Valid.Replace("H100-SXM", "TPU-v6e").Replace("tensor: 8, data: 16", "tensor: 1, data: 512"), "t.yaml"));
        Assert.Contains(e.Problems, p => p.Message.Contains("TPU-v6e' has no scale_out_gb_s", StringComparison.Ordinal));
    }

    [Fact]
    public void A_plan_that_does_not_fit_is_reported_with_the_overflow()
    {
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Valid.Replace("llama-3.1-8b", "llama-3.1-405b").Replace("zero", "x"), "t.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "training" && p.Message.Contains("over): weights", StringComparison.Ordinal));
    }

    [Fact]
    public void An_expert_grid_folded_over_tensor_parallel_ranks_is_read_echoed_and_read_back()
    {
        // Qwen3 235B-A22B as Megatron-Bridge's H100 recipe runs it: EP 32 over a stage's TP 2 × DP 16 ranks.
        string moe = Valid.Replace("llama-3.1-8b", "qwen3-235b-a22b").Replace("sequence_length: 8192", "sequence_length: 4096\n  precision: fp8")
            .Replace("global_batch_tokens: 4194304", "global_batch_tokens: 33554432")
            .Replace("parallelism: { tensor: 8, data: 16 }", "parallelism: { tensor: 2, pipeline: 8, data: 16, expert: 32, expert_tensor: 1, schedule: interleaved, chunks: 4, recompute: none }");
        Experiment experiment = ExperimentLoader.Parse(moe, "t.yaml");
        TrainingJob job = experiment.Points[0].Training!;
        Assert.Equal((32, 1), (job.Plan.ExpertParallel, job.Plan.ExpertTensorParallel));
        Assert.Contains("expert: 32, expert_tensor: 1,", experiment.ResolvedText, StringComparison.Ordinal);
        Assert.Equal(job.Plan, ExperimentLoader.Parse(experiment.ResolvedText, "r.yaml").Points[0].Training!.Plan);

        // A per-node dispatcher (DeepEP, HybridEP) is read, echoed and read back; a misspelt one is refused at its place.
        Experiment perNode = ExperimentLoader.Parse(moe.Replace("expert_tensor: 1", "expert_tensor: 1, expert_dispatch: per_node"), "t.yaml");
        Assert.Equal(DispatchGranularity.PerDomain, perNode.Points[0].Training!.Plan.ExpertDispatch);
        Assert.Contains("expert_tensor: 1, expert_dispatch: per_node,", perNode.ResolvedText, StringComparison.Ordinal);
        Assert.Equal(perNode.Points[0].Training!.Plan, ExperimentLoader.Parse(perNode.ResolvedText, "r.yaml").Points[0].Training!.Plan);
        var misspelt = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(moe.Replace("expert_tensor: 1", "expert_tensor: 1, expert_dispatch: deepep"), "t.yaml"));
        Assert.Contains(misspelt.Problems, p => p.Path == "training.parallelism.expert_dispatch" && p.Message.Contains("per_node", StringComparison.Ordinal));

        // Without the fold the same plan is refused at the training section, saying what would allow it.
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(moe.Replace(", expert_tensor: 1", string.Empty), "t.yaml"));
        Assert.Contains(e.Problems, p => p.Message.Contains("expert_parallel 32 must divide both data_parallel 16", StringComparison.Ordinal)
            && p.Message.Contains("set expert_tensor", StringComparison.Ordinal));
    }

    [Fact]
    public void Mismatched_accelerator_count_and_misspelt_keys_are_all_reported()
    {
        string yaml = Valid.Replace("tokens: 1e11", "tokens: 1e11\n  accelerators: 100\n  recompte: full");
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(yaml, "t.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "training.accelerators" && p.Message.Contains("= 128", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Path == "training.recompte" && p.Line == 7);
    }

    [Fact]
    public void Training_and_serving_together_need_a_lifecycle()
    {
        string yaml = Valid + "\nserving: { model: llama-3.1-8b, hardware: H100-SXM }\nworkload: { arrival: { rate: 1 } }\n";
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(yaml, "t.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "lifecycle");
    }
}
