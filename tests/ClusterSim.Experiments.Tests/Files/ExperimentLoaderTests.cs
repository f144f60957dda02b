using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;

namespace ClusterSim.Experiments.Tests.Files;

public class ExperimentLoaderTests
{
    internal const string Valid = """
        name: tiny
        seed: 7
        replications: 2
        serving:
          model: llama-3.1-8b
          hardware: H100-SXM
          weights: fp8
          kv_cache: fp8
          scheduler: { kind: chunked-prefill, max_sequences: 64 }
        workload:
          arrival: { kind: poisson, rate: 20 }
          prompt_tokens: { kind: lognormal, mean: 300, median: 200, max: 2048 }
          output_tokens: { kind: fixed, mean: 64 }
          requests: 400
        sweep:
          parameters:
            workload.arrival.rate: [10, 30]
            serving.scheduler.kind: [continuous, static]
        """;

    private static ExperimentException Problems(string yaml) => Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(yaml, "exp.yaml"));

    [Fact]
    public void A_valid_file_expands_its_grid_sweep_last_parameter_fastest()
    {
        Experiment experiment = ExperimentLoader.Parse(Valid, "exp.yaml");
        Assert.Equal(4, experiment.Points.Count);
        Assert.Equal(2, experiment.Replications);
        Assert.Equal("static", experiment.Points[1].Parameters[1].Value);
        Assert.Equal(30, experiment.Points[2].Serving!.Arrival.Rate);
        Assert.Contains("max_batched_tokens: 8192", experiment.ResolvedText);
    }

    [Fact]
    public void The_KV_admission_policy_is_read_written_out_and_checked()
    {
        Experiment grow = ExperimentLoader.Parse(Valid, "exp.yaml");
        Assert.Equal(Core.Inference.KvAdmissionPolicy.Grow, grow.Points[0].Serving!.Replicas[0].Scheduler.KvAdmission);
        Assert.Contains("kv_admission: grow", grow.ResolvedText);

        Experiment reserve = ExperimentLoader.Parse(Valid.Replace("max_sequences: 64 }", "max_sequences: 64, kv_admission: reserve }"), "exp.yaml");
        Assert.Equal(Core.Inference.KvAdmissionPolicy.Reserve, reserve.Points[0].Serving!.Replicas[0].Scheduler.KvAdmission);
        Assert.Contains("kv_admission: reserve", reserve.ResolvedText);

        ExperimentProblem problem = Assert.Single(Problems(Valid.Replace("max_sequences: 64 }", "max_sequences: 64, kv_admission: evict }")).Problems);
        Assert.Equal("serving.scheduler.kv_admission", problem.Path);
        Assert.Contains("grow", problem.Message);
        Assert.Contains("reserve", problem.Message);
    }

    [Fact]
    public void A_bad_value_the_sweep_replaces_everywhere_is_a_warning_at_its_line()
    {
        // The base rate is never used (the sweep sets 10 and 30), so the file runs, but its problem is still said.
        Experiment experiment = ExperimentLoader.Parse(Valid.Replace("rate: 20 }", "rate: -2 }"), "exp.yaml");
        Assert.Equal(4, experiment.Points.Count);
        Assert.Contains("warning: exp.yaml:11:35: workload.arrival.rate: -2 is out of range; expected a number > 0; the sweep sets it on every point, so this value is never used", experiment.Calibrations);

        // A good base value, or one the sweep does not replace, gives no such warning (the latter is an error, as ever).
        Assert.DoesNotContain(ExperimentLoader.Parse(Valid, "exp.yaml").Calibrations, c => c.Contains("never used", StringComparison.Ordinal));
        ExperimentProblem problem = Assert.Single(Problems(Valid.Replace("requests: 400", "requests: -4")).Problems);
        Assert.Equal("workload.requests", problem.Path);
    }

    [Fact]
    public void Async_scheduling_follows_the_engine_unless_the_file_says_otherwise()
    {
        Experiment vllm = ExperimentLoader.Parse(Valid, "exp.yaml");
        Assert.True(vllm.Points[0].Serving!.Replicas[0].Scheduler.AsyncScheduling);
        Assert.Contains("async_scheduling: true", vllm.ResolvedText);

        Experiment off = ExperimentLoader.Parse(Valid.Replace("max_sequences: 64 }", "max_sequences: 64, async_scheduling: false }"), "exp.yaml");
        Assert.False(off.Points[0].Serving!.Replicas[0].Scheduler.AsyncScheduling);
        Assert.Contains("async_scheduling: false", off.ResolvedText);

        Experiment trtllm = ExperimentLoader.Parse(Valid.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine: tensorrt-llm"), "exp.yaml");
        Assert.False(trtllm.Points[0].Serving!.Replicas[0].Scheduler.AsyncScheduling);

        // TensorRT-LLM before 0.11 had no token budget of its own (max_batch_size x max_seq_len), from 0.11 8,192; the
        // resolved file says which, and reads back to the same scheduler.
        foreach (var (release, budget) in new[] { ("0.10.0", 2048 * 131_072), ("0.11.0", 8192) })
        {
            Experiment old = ExperimentLoader.Parse(Valid.Replace("hardware: H100-SXM", $"hardware: H100-SXM\n  engine: tensorrt-llm\n  engine_version: \"{release}\""), "exp.yaml");
            Assert.Equal(budget, old.Points[0].Serving!.Replicas[0].Scheduler.MaxBatchedTokens);
            Assert.Contains($"max_batched_tokens: {budget}", old.ResolvedText, StringComparison.Ordinal);
            Experiment written = ExperimentLoader.Parse(Valid.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine: tensorrt-llm").Replace("max_sequences: 64 }", $"max_sequences: 64, max_batched_tokens: {budget} }}"), "exp.yaml");
            Assert.Equal(budget, written.Points[0].Serving!.Replicas[0].Scheduler.MaxBatchedTokens);
        }

        // vLLM before 0.14 scheduled one step after another unless told; the release given picks the default.
        Experiment older = ExperimentLoader.Parse(Valid.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine_version: \"0.11.0\""), "exp.yaml");
        Assert.False(older.Points[0].Serving!.Replicas[0].Scheduler.AsyncScheduling);
        Assert.Contains("async_scheduling: false", older.ResolvedText);
        Experiment olderOn = ExperimentLoader.Parse(Valid.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine_version: \"0.11.0\"").Replace("max_sequences: 64 }", "max_sequences: 64, async_scheduling: true }"), "exp.yaml");
        Assert.True(olderOn.Points[0].Serving!.Replicas[0].Scheduler.AsyncScheduling);

        ExperimentProblem problem = Assert.Single(Problems(Valid.Replace("max_sequences: 64 }", "max_sequences: 64, async_scheduling: sometimes }")).Problems);
        Assert.Equal("serving.scheduler.async_scheduling", problem.Path);
    }

    [Fact]
    public void SGLangs_receive_interval_is_read_written_back_and_refused_to_other_engines()
    {
        string sglang = Valid.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine: sglang");
        Experiment gated = ExperimentLoader.Parse(sglang.Replace("max_sequences: 64 }", "max_sequences: 64, recv_interval: 30 }"), "exp.yaml");
        Assert.Equal(30, gated.Points[0].Serving!.Replicas[0].Scheduler.ReceiveInterval);
        Assert.Contains("recv_interval: 30", gated.ResolvedText, StringComparison.Ordinal);
        Experiment again = ExperimentLoader.Parse(gated.ResolvedText, "resolved.yaml");
        Assert.Equal(30, again.Points[0].Serving!.Replicas[0].Scheduler.ReceiveInterval);

        // Every step (the default) is not written, so files that never said it resolve as they did.
        Experiment everyStep = ExperimentLoader.Parse(sglang, "exp.yaml");
        Assert.Equal(1, everyStep.Points[0].Serving!.Replicas[0].Scheduler.ReceiveInterval);
        Assert.DoesNotContain("recv_interval", everyStep.ResolvedText, StringComparison.Ordinal);

        ExperimentProblem vllm = Assert.Single(Problems(Valid.Replace("max_sequences: 64 }", "max_sequences: 64, recv_interval: 10 }")).Problems);
        Assert.Equal("serving.scheduler.recv_interval", vllm.Path);
        Assert.Contains("SGLang's --scheduler-recv-interval; engine vllm reads new requests every step", vllm.Message, StringComparison.Ordinal);
        ExperimentProblem zero = Assert.Single(Problems(sglang.Replace("max_sequences: 64 }", "max_sequences: 64, recv_interval: 0 }")).Problems);
        Assert.Equal("serving.scheduler.recv_interval", zero.Path);
    }

    [Fact]
    public void Models_and_hardware_may_be_named_as_their_makers_name_them()
    {
        string yaml = Valid.Replace("model: llama-3.1-8b", "model: meta-llama/Meta-Llama-3.1-8B-Instruct").Replace("hardware: H100-SXM", "hardware: H100");
        Experiment experiment = ExperimentLoader.Parse(yaml, "exp.yaml");
        Core.Performance.ServingDeployment d = experiment.Points[0].Serving!.Replicas[0].Deployment;
        Assert.Equal("llama-3.1-8b", d.Model.Id);
        Assert.Equal("H100-SXM", d.Accelerator.Id);
        Assert.Contains("model: llama-3.1-8b", experiment.ResolvedText);
        Assert.Contains("hardware: H100-SXM", experiment.ResolvedText);

        ExperimentProblem problem = Assert.Single(Problems(Valid.Replace("model: llama-3.1-8b", "model: meta-llama/Llama-3.1-9B")).Problems);
        Assert.Equal("serving.model", problem.Path);
        Assert.Contains("unknown model 'meta-llama/Llama-3.1-9B'", problem.Message);
    }

    [Fact]
    public void A_hybrids_resolved_file_reads_back_on_its_calibration_not_as_an_override()
    {
        // The resolved file writes the recurrent shares the row derives (it leaves them at 0); read back they are that derivation.
        string hybrid = Valid.Replace("model: llama-3.1-8b", "model: nemotron-3-nano-30b-a3b").Replace("hardware: H100-SXM", "hardware: MI300X");
        Experiment first = ExperimentLoader.Parse(hybrid, "exp.yaml");
        Core.Performance.ServingDeployment d = first.Points[0].Serving!.Replicas[0].Deployment;
        Assert.Contains("state_update: ", first.ResolvedText, StringComparison.Ordinal);
        Assert.Equal((0.0, 0.0), (d.Efficiency.StateUpdate, d.Efficiency.Scan));

        Core.Performance.ServingDeployment again = ExperimentLoader.Parse(first.ResolvedText, "resolved.yaml").Points[0].Serving!.Replicas[0].Deployment;
        Assert.Equal(d.CalibrationName, again.CalibrationName);
        Assert.DoesNotContain("overridden", again.CalibrationName, StringComparison.Ordinal);
        Assert.Equal(d.Efficiency, again.Efficiency);

        // A share written otherwise is an override.
        string set = hybrid.Replace("kv_cache: fp8\n", "kv_cache: fp8\n  efficiency: { scan: 0.02 }\n");
        Assert.EndsWith("(overridden)", ExperimentLoader.Parse(set, "exp.yaml").Points[0].Serving!.Replicas[0].Deployment.CalibrationName, StringComparison.Ordinal);
    }

    [Fact]
    public void The_GEMM_kernel_floor_comes_from_the_calibration_and_can_be_overridden()
    {
        Experiment catalogued = ExperimentLoader.Parse(Valid, "exp.yaml");
        Assert.Equal(4e-6, catalogued.Points[0].Serving!.Replicas[0].Deployment.Efficiency.GemmKernelSeconds, 12);
        Assert.Contains("gemm_kernel_us: 4", catalogued.ResolvedText);

        string overridden = Valid.Replace("kv_cache: fp8\n", "kv_cache: fp8\n  efficiency: { gemm_kernel_us: 7.5 }\n");
        Core.Performance.ServingDeployment d = ExperimentLoader.Parse(overridden, "exp.yaml").Points[0].Serving!.Replicas[0].Deployment;
        Assert.Equal(7.5e-6, d.Efficiency.GemmKernelSeconds, 12);
        Assert.Equal("hopper-vllm/fp8 (overridden)", d.CalibrationName);

        ExperimentProblem problem = Assert.Single(Problems(overridden.Replace("7.5", "-1")).Problems);
        Assert.Equal("serving.efficiency.gemm_kernel_us", problem.Path);

        // A collective's launch, absent from vLLM's row, can be given; the resolved file shows it.
        Experiment launched = ExperimentLoader.Parse(Valid.Replace("kv_cache: fp8\n", "kv_cache: fp8\n  efficiency: { collective_launch_us: 15 }\n"), "exp.yaml");
        Assert.Equal(15e-6, launched.Points[0].Serving!.Replicas[0].Deployment.Efficiency.CollectiveLaunchSeconds, 12);
        Assert.Contains("collective_launch_us: 15", launched.ResolvedText);
        Assert.DoesNotContain("collective_launch_us", catalogued.ResolvedText);
        ExperimentProblem launch = Assert.Single(Problems(Valid.Replace("kv_cache: fp8\n", "kv_cache: fp8\n  efficiency: { collective_launch_us: -3 }\n")).Problems);
        Assert.Equal("serving.efficiency.collective_launch_us", launch.Path);
        Assert.Contains("[0, 10000]", launch.Message);   // microseconds: a range a user can read, not a year's worth
        Assert.Contains("[0, 10000]", Assert.Single(Problems(overridden.Replace("7.5", "20000")).Problems).Message);
    }

    [Fact]
    public void A_TensorRT_LLM_build_without_its_own_all_reduce_is_said_and_echoed()
    {
        string trt = Valid.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine: tensorrt-llm\n  engine_version: \"0.9.0\"");
        Experiment own = ExperimentLoader.Parse(trt, "exp.yaml");
        Assert.True(own.Points[0].Serving!.Replicas[0].Deployment.CustomAllReduce);
        Assert.DoesNotContain("custom_all_reduce", own.ResolvedText);   // echoed only when off

        Experiment nccl = ExperimentLoader.Parse(trt.Replace("engine: tensorrt-llm", "engine: tensorrt-llm\n  custom_all_reduce: false"), "exp.yaml");
        Assert.False(nccl.Points[0].Serving!.Replicas[0].Deployment.CustomAllReduce);
        Assert.Contains("custom_all_reduce: false", nccl.ResolvedText);

        ExperimentProblem problem = Assert.Single(Problems(trt.Replace("engine: tensorrt-llm", "engine: tensorrt-llm\n  custom_all_reduce: nope")).Problems);
        Assert.Equal("serving.custom_all_reduce", problem.Path);
    }

    [Fact]
    public void The_embedding_tables_format_follows_the_quantiser_unless_given_and_is_echoed()
    {
        // FP8 layers: the tables stay in 16 bits (ServingDeployment.HeadFormat); the resolved file says so.
        Experiment conventional = ExperimentLoader.Parse(Valid, "exp.yaml");
        Assert.Null(conventional.Points[0].Serving!.Replicas[0].Deployment.HeadWeights);
        Assert.Equal(Core.Catalog.Precision.BF16, conventional.Points[0].Serving!.Replicas[0].Deployment.HeadFormat);
        Assert.Contains("head_weights: bf16", conventional.ResolvedText);

        Experiment quantised = ExperimentLoader.Parse(Valid.Replace("weights: fp8\n", "weights: fp8\n  head_weights: fp8\n"), "exp.yaml");
        Assert.Equal(Core.Catalog.Precision.FP8, quantised.Points[0].Serving!.Replicas[0].Deployment.HeadFormat);
        Assert.Contains("head_weights: fp8", quantised.ResolvedText);

        ExperimentProblem problem = Assert.Single(Problems(Valid.Replace("weights: fp8\n", "weights: fp8\n  head_weights: fp9\n")).Problems);
        Assert.Equal("serving.head_weights", problem.Path);
        Assert.Contains("fp8", problem.Message);
    }

    [Fact]
    public void A_4_bit_format_s_stored_bits_follow_the_convention_unless_given_and_are_echoed()
    {
        string int4 = Valid.Replace("weights: fp8\n", "weights: int4\n");
        Experiment conventional = ExperimentLoader.Parse(int4, "exp.yaml");
        Assert.Equal(4.125, conventional.Points[0].Serving!.Replicas[0].Deployment.WeightBitsPerElement);
        Assert.Contains("weight_bits: 4.125", conventional.ResolvedText);

        Experiment mxfp4 = ExperimentLoader.Parse(int4.Replace("weights: int4\n", "weights: int4\n  weight_bits: 4.25\n"), "exp.yaml");
        Assert.Equal(4.25, mxfp4.Points[0].Serving!.Replicas[0].Deployment.WeightBitsPerElement);
        Assert.Contains("weight_bits: 4.25", mxfp4.ResolvedText);

        ExperimentProblem problem = Assert.Single(Problems(int4.Replace("weights: int4\n", "weights: int4\n  weight_bits: 64\n")).Problems);
        Assert.Equal("serving.weight_bits", problem.Path);
    }

    [Fact]
    public void vLLMs_multi_step_scheduling_is_read_echoed_warned_on_a_V1_release_and_refused_elsewhere()
    {
        string v0 = Valid.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine_version: \"0.6.4\"\n  multi_step: 10");
        Experiment windowed = ExperimentLoader.Parse(v0, "exp.yaml");
        Assert.Equal(10, windowed.Points[0].Serving!.Replicas[0].Deployment.MultiStep);
        Assert.Contains("multi_step: 10", windowed.ResolvedText);
        Assert.DoesNotContain(windowed.Calibrations, c => c.Contains("multi_step", StringComparison.Ordinal));   // a V0 release: nothing to say
        Assert.Equal(10, ExperimentLoader.Parse(windowed.ResolvedText, "resolved.yaml").Points[0].Serving!.Replicas[0].Deployment.MultiStep);

        Experiment plain = ExperimentLoader.Parse(Valid, "exp.yaml");
        Assert.Equal(1, plain.Points[0].Serving!.Replicas[0].Deployment.MultiStep);
        Assert.DoesNotContain("multi_step", plain.ResolvedText);   // echoed only when set

        // A release that runs V1 by default, or none (the newest), is timed as asked and warned.
        Experiment v1 = ExperimentLoader.Parse(v0.Replace("0.6.4", "0.8.5"), "exp.yaml");
        Assert.Contains(v1.Calibrations, c => c.StartsWith("warning: serving.multi_step 10", StringComparison.Ordinal) && c.Contains("release 0.8.5 runs V1", StringComparison.Ordinal));
        Assert.Contains(ExperimentLoader.Parse(v0.Replace("  engine_version: \"0.6.4\"\n", string.Empty), "exp.yaml").Calibrations, c => c.Contains("engine_version is not given", StringComparison.Ordinal));

        ExperimentProblem sglang = Assert.Single(Problems(v0.Replace("multi_step: 10", "multi_step: 10\n  engine: sglang")).Problems);
        Assert.Equal("serving.multi_step", sglang.Path);
        Assert.Contains("--num-scheduler-steps", sglang.Message);
        Assert.Equal("serving.multi_step", Assert.Single(Problems(v0.Replace("multi_step: 10", "multi_step: 2.5")).Problems).Path);
        Assert.Equal("serving.multi_step", Assert.Single(Problems(v0.Replace("multi_step: 10", "multi_step: 0")).Problems).Path);
    }

    [Fact]
    public void A_V0_release_scheduling_every_step_is_warned_that_its_host_overheads_are_V1s()
    {
        // V0's host work a step was measured only with the engine in its client's process (AccelMark); a V0 server keeps
        // the calibration's V1 overheads, which the file is told, with the keys that set its own.
        string v0 = Valid.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine_version: \"0.7.3\"");
        string warning = Assert.Single(ExperimentLoader.Parse(v0, "exp.yaml").Calibrations, c => c.Contains("V0 engine", StringComparison.Ordinal));
        Assert.Contains("serving.engine_version 0.7.3", warning, StringComparison.Ordinal);
        Assert.Contains("2 ms a step, 80 µs a sequence", warning, StringComparison.Ordinal);
        Assert.EndsWith("Set serving.efficiency.overhead_ms and sequence_overhead_us to the host's", warning, StringComparison.Ordinal);

        // Multi-step windows were fitted as V0 ran them, and V1 releases are what the calibration holds: nothing to say.
        Assert.DoesNotContain(ExperimentLoader.Parse(v0.Replace("0.7.3\"", "0.7.3\"\n  multi_step: 10"), "exp.yaml").Calibrations, c => c.Contains("V0 engine", StringComparison.Ordinal));
        Assert.DoesNotContain(ExperimentLoader.Parse(v0.Replace("0.7.3", "0.8.0"), "exp.yaml").Calibrations, c => c.Contains("V0 engine", StringComparison.Ordinal));
    }

    [Fact]
    public void The_engine_picks_the_calibration_family_and_the_KV_admission_default()
    {
        Experiment vllm = ExperimentLoader.Parse(Valid, "exp.yaml");
        Assert.Equal("hopper-vllm/fp8", vllm.Points[0].Serving!.Replicas[0].Deployment.CalibrationName);
        Assert.Contains("engine: vllm", vllm.ResolvedText);

        Experiment trt = ExperimentLoader.Parse(Valid.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine: tensorrt-llm"), "exp.yaml");
        Core.Inference.ReplicaGroup group = trt.Points[0].Serving!.Replicas[0];
        Assert.Equal("hopper-trtllm/fp8", group.Deployment.CalibrationName);
        Assert.Equal(Core.Inference.KvAdmissionPolicy.Reserve, group.Scheduler.KvAdmission);
        Assert.Contains("engine: tensorrt-llm", trt.ResolvedText);
        // Its row is found (no "uncalibrated" warning); the one warning is that the offline-fitted row charges no front end.
        Assert.Equal(["charges no front end"], trt.Warnings.Where(w => w.Contains("H100-SXM", StringComparison.Ordinal)).Select(w => w.Contains("charges no front end", StringComparison.Ordinal) ? "charges no front end" : w));

        // An explicit policy wins over the engine's default; an accelerator without a TensorRT-LLM row warns and says which.
        Experiment grow = ExperimentLoader.Parse(Valid.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine: tensorrt-llm").Replace("max_sequences: 64 }", "max_sequences: 64, kv_admission: grow }"), "exp.yaml");
        Assert.Equal(Core.Inference.KvAdmissionPolicy.Grow, grow.Points[0].Serving!.Replicas[0].Scheduler.KvAdmission);
        Experiment amd = ExperimentLoader.Parse(Valid.Replace("hardware: H100-SXM", "hardware: MI300X\n  engine: tensorrt-llm"), "exp.yaml");
        Assert.Contains(amd.Warnings, w => w.Contains("no TensorRT-LLM calibration 'cdna3-trtllm'", StringComparison.Ordinal));

        // SGLang on Hopper in FP8 has its own row (fitted on H200 runs); it grows its KV as vLLM does.
        Experiment sglang = ExperimentLoader.Parse(Valid.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine: sglang"), "exp.yaml");
        Assert.Equal("hopper-sglang/fp8", sglang.Points[0].Serving!.Replicas[0].Deployment.CalibrationName);
        Assert.Equal(Core.Inference.KvAdmissionPolicy.Grow, sglang.Points[0].Serving!.Replicas[0].Scheduler.KvAdmission);
        Assert.Contains("engine: sglang", sglang.ResolvedText);
        Assert.DoesNotContain(sglang.Warnings, w => w.Contains("calibrat", StringComparison.Ordinal) && w.Contains("H100-SXM", StringComparison.Ordinal));
        // In BF16 its row is derived, not fitted (vLLM's BF16 fractions, SGLang's expert tile and step cost), and the warning says so.
        Experiment sglangBf16 = ExperimentLoader.Parse(Valid.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine: sglang").Replace("weights: fp8", "weights: bf16"), "exp.yaml");
        Assert.Equal("hopper-sglang/bf16", sglangBf16.Points[0].Serving!.Replicas[0].Deployment.CalibrationName);
        Assert.Contains(sglangBf16.Warnings, w => w.Contains("partly calibrated: H100-SXM in bf16 uses hopper-sglang/bf16", StringComparison.Ordinal));
        // On an accelerator whose family has no SGLang row it runs on vLLM's, and the warning says so.
        Experiment sglangA100 = ExperimentLoader.Parse(Valid.Replace("hardware: H100-SXM", "hardware: A100-80GB\n  engine: sglang").Replace("weights: fp8", "weights: bf16"), "exp.yaml");
        Assert.Equal("ampere-vllm/bf16", sglangA100.Points[0].Serving!.Replicas[0].Deployment.CalibrationName);
        Assert.Contains(sglangA100.Warnings, w => w.Contains("no SGLang calibration 'ampere-sglang' for bf16", StringComparison.Ordinal));
        // Its memory reserve is what its own settings keep back on an H100 at an 8,192-token budget (0.835 for weights and KV).
        Assert.Equal(0.165, sglang.Points[0].Serving!.Replicas[0].Deployment.MemoryReserve, 9);
        Experiment reserved = ExperimentLoader.Parse(Valid.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine: sglang\n  memory_reserve: 0.12"), "exp.yaml");
        Assert.Equal(0.12, reserved.Points[0].Serving!.Replicas[0].Deployment.MemoryReserve);

        ExperimentProblem problem = Assert.Single(Problems(Valid.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine: tgi")).Problems);
        Assert.Equal("serving.engine", problem.Path);
        Assert.Contains("vllm, tensorrt-llm, sglang", problem.Message);
    }

    [Fact]
    public void An_SGLang_deployment_takes_SGLangs_own_scheduling_and_limits_where_the_file_sets_none()
    {
        const string bare = """
            name: bare
            serving:
              model: llama-3.1-8b
              hardware: H100-SXM
            workload:
              arrival: { kind: poisson, rate: 20 }
              prompt_tokens: 512
              output_tokens: 64
              requests: 100
            """;
        Experiment sglang = ExperimentLoader.Parse(bare.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine: sglang"), "exp.yaml");
        Core.Inference.SchedulerOptions scheduler = sglang.Points[0].Serving!.Replicas[0].Scheduler;
        Core.Performance.ServingDeployment deployment = sglang.Points[0].Serving!.Replicas[0].Deployment;

        Assert.Equal(Core.Inference.SchedulerKind.PrefillFirst, scheduler.Kind);
        Assert.Equal(8192, scheduler.MaxBatchedTokens);   // its chunked_prefill_size on an 80 GB card
        Assert.Equal(Core.Performance.SglangServerDefaults.MaxRunningRequests(deployment, deployment.Model.MaxContext), scheduler.MaxSequences);
        Assert.Contains("kind: prefill-first", sglang.ResolvedText);

        Experiment l4 = ExperimentLoader.Parse(bare.Replace("hardware: H100-SXM", "hardware: L4\n  engine: sglang").Replace("model: llama-3.1-8b", "model: qwen2.5-0.5b"), "exp.yaml");
        Assert.Equal(2048, l4.Points[0].Serving!.Replicas[0].Scheduler.MaxBatchedTokens);   // under 35 GiB

        Experiment vllm = ExperimentLoader.Parse(bare, "exp.yaml");
        Assert.Equal((Core.Inference.SchedulerKind.ChunkedPrefill, 256, 8192), (vllm.Points[0].Serving!.Replicas[0].Scheduler.Kind, vllm.Points[0].Serving!.Replicas[0].Scheduler.MaxSequences, vllm.Points[0].Serving!.Replicas[0].Scheduler.MaxBatchedTokens));
    }

    [Fact]
    public void Speculative_decoding_is_read_resolved_and_its_mistakes_located()
    {
        static string With(string speculative) => Valid.Replace("kv_cache: fp8", $"kv_cache: fp8\n  speculative: {speculative}");

        Experiment draft = ExperimentLoader.Parse(With("{ method: draft, tokens: 4, acceptance: 0.6, draft_model: meta-llama/Llama-3.2-1B }"), "exp.yaml");
        Core.Performance.SpeculativeDecoding spec = draft.Points[0].Serving!.Replicas[0].Deployment.Speculative!;
        Assert.Equal((Core.Performance.SpeculativeMethod.Draft, 4, 0.6, "llama-3.2-1b"), (spec.Method, spec.Tokens, spec.Acceptance, spec.DraftModel!.Id));
        Assert.Contains("speculative: { method: draft, tokens: 4, acceptance: 0.6, disable_above_batch: 0, draft_model: llama-3.2-1b }", draft.ResolvedText);
        Assert.Null(ExperimentLoader.Parse(Valid, "exp.yaml").Points[0].Serving!.Replicas[0].Deployment.Speculative);

        Assert.Contains("serving.speculative.acceptance: required", Assert.Single(Problems(With("{ method: eagle, tokens: 3 }")).Problems).ToString());
        // Given but not a probability: said once, where it was read (not also as missing).
        Assert.Contains("1.5 is out of range", Assert.Single(Problems(With("{ method: eagle, tokens: 3, acceptance: 1.5 }")).Problems).Message);
        Assert.Contains("required with method 'draft'", Assert.Single(Problems(With("{ method: draft, acceptance: 0.5 }")).Problems).Message);
        Assert.Contains("only method 'draft' takes a draft model", Assert.Single(Problems(With("{ method: ngram, acceptance: 0.5, draft_model: llama-3.2-1b }")).Problems).Message);
        Assert.Equal("serving.speculative.tokens", Assert.Single(Problems(With("{ method: eagle, tokens: 20, acceptance: 0.5 }")).Problems).Path);
        Assert.Contains("eagle", Assert.Single(Problems(With("{ method: medusa, acceptance: 0.5 }")).Problems).Message);
        ExperimentProblem tokenizer = Assert.Single(Problems(With("{ method: draft, acceptance: 0.5, draft_model: qwen3-0.6b }")).Problems);
        Assert.Equal("serving.speculative.draft_model", tokenizer.Path);
        Assert.Contains("must share the target's tokenizer", tokenizer.Message);
    }

    [Fact]
    public void What_a_run_would_refuse_validation_refuses_at_the_serving_section()
    {
        // Found by ServingFileSoakTests: both passed validate and then failed inside the run.
        string drafted = Valid.Replace("model: llama-3.1-8b", "model: qwen3-0.6b").Replace("kv_cache: fp8", "kv_cache: fp8\n  tensor_parallel: 8\n  speculative: { method: draft, tokens: 3, acceptance: 0.6, draft_model: qwen2.5-0.5b }");
        ExperimentProblem heads = Assert.Single(Problems(drafted).Problems);
        Assert.Equal("serving", heads.Path);
        Assert.Contains("draft model qwen2.5-0.5b has 14 attention heads, which tensor_parallel 8 does not divide", heads.Message);
        ExperimentLoader.Parse(drafted.Replace("tensor_parallel: 8", "tensor_parallel: 2"), "exp.yaml");

        string staged = Valid.Replace("hardware: H100-SXM", "hardware: MTIA-v2").Replace("weights: fp8", "weights: int8").Replace("kv_cache: fp8", "kv_cache: int8\n  pipeline_parallel: 2");
        Assert.Contains("MTIA-v2 has no scale-up link in the catalog, so tensor_parallel and pipeline_parallel must be 1", Assert.Single(Problems(staged).Problems).Message);
    }

    [Fact]
    public void A_model_with_sliding_window_layers_warns_that_they_are_given_the_whole_context()
    {
        Experiment gemma = ExperimentLoader.Parse(Valid.Replace("model: llama-3.1-8b", "model: google/gemma-3-27b-it"), "exp.yaml");
        Assert.Equal("gemma-3-27b", gemma.Points[0].Serving!.Replicas[0].Deployment.Model.Id);
        Assert.Contains(gemma.Warnings, w => w.Contains("gemma-3-27b: 52 of its 62 layers attend over a 1024-token window", StringComparison.Ordinal));

        Experiment llama = ExperimentLoader.Parse(Valid, "exp.yaml");
        Assert.DoesNotContain(llama.Warnings, w => w.Contains("token window", StringComparison.Ordinal));
    }

    [Fact]
    public void A_hybrid_warns_how_its_linear_layers_are_timed_and_that_prefix_caching_finds_nothing_for_it()
    {
        string hybrid = Valid.Replace("model: llama-3.1-8b", "model: Qwen/Qwen3.5-397B-A17B-FP8").Replace("hardware: H100-SXM", "hardware: H200\n  tensor_parallel: 8");
        Experiment plain = ExperimentLoader.Parse(hybrid, "exp.yaml");
        Assert.Equal("qwen3.5-397b-a17b", plain.Points[0].Serving!.Replicas[0].Deployment.Model.Id);
        string warning = Assert.Single(plain.Warnings, w => w.Contains("are recurrent", StringComparison.Ordinal));
        Assert.Contains("qwen3.5-397b-a17b: 45 of its 60 layers are recurrent (linear attention or Mamba-2): each sequence holds 183.2 MiB of recurrent state", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("prefix_caching", warning, StringComparison.Ordinal);

        // The recurrent kernels' two factors, said with where they come from, and what to set instead.
        Assert.Contains("a quarter of the KV reads'", warning, StringComparison.Ordinal);
        Assert.Contains("set serving.efficiency.state_update", warning, StringComparison.Ordinal);
        Assert.Contains("at 0.0084 of the BF16 peak", warning, StringComparison.Ordinal);
        Assert.Contains("set serving.efficiency.scan", warning, StringComparison.Ordinal);
        Experiment set = ExperimentLoader.Parse(hybrid.Replace("  tensor_parallel: 8", "  tensor_parallel: 8\n  efficiency: { state_update: 0.3, scan: 0.02 }"), "exp.yaml");
        string told = Assert.Single(set.Warnings, w => w.Contains("are recurrent", StringComparison.Ordinal));
        Assert.Contains("at 0.3 of the memory's bandwidth (as set)", told, StringComparison.Ordinal);
        Assert.Contains("at 0.02 of the BF16 peak (as set", told, StringComparison.Ordinal);
        Assert.Equal((0.3, 0.02), (set.Points[0].Serving!.Replicas[0].Deployment.Efficiency.StateUpdateFor, set.Points[0].Serving!.Replicas[0].Deployment.Efficiency.ScanFor));

        Experiment cached = ExperimentLoader.Parse(hybrid.Replace("max_sequences: 64 }", "max_sequences: 64, prefix_caching: true }"), "exp.yaml");
        Assert.Contains(cached.Warnings, w => w.Contains("serving.scheduler.prefix_caching finds nothing for it", StringComparison.Ordinal));
        Assert.DoesNotContain(ExperimentLoader.Parse(Valid, "exp.yaml").Warnings, w => w.Contains("are recurrent", StringComparison.Ordinal));
    }

    [Fact]
    public void Widened_MoE_experts_without_a_measured_factor_warn_and_an_override_or_a_fitted_row_does_not()
    {
        static string GptOss(string hardware, string efficiency = "") =>
            Valid.Replace("model: llama-3.1-8b", "model: gpt-oss-20b").Replace("hardware: H100-SXM", $"hardware: {hardware}")
                .Replace("weights: fp8", "weights: int4").Replace("kv_cache: fp8", "kv_cache: bf16" + efficiency);

        // MI300X has no 4-bit peak and its vLLM row no measured factor: the experts are timed at the 16-bit efficiency, said.
        Experiment amd = ExperimentLoader.Parse(GptOss("MI300X"), "exp.yaml");
        Assert.Contains(amd.Warnings, w => w.Contains("gpt-oss-20b's int4 experts are widened to bf16", StringComparison.Ordinal) && w.Contains("no measured expert_dequant_efficiency", StringComparison.Ordinal));
        Assert.Contains("dequant_expert: 1", amd.ResolvedText);

        // The H100's row carries the fitted factor; an explicit override silences the warning on MI300X.
        Experiment hopper = ExperimentLoader.Parse(GptOss("H100-SXM"), "exp.yaml");
        Assert.DoesNotContain(hopper.Warnings, w => w.Contains("expert_dequant_efficiency", StringComparison.Ordinal));
        Assert.Contains("dequant_expert: 0.311", hopper.ResolvedText);
        Experiment overridden = ExperimentLoader.Parse(GptOss("MI300X", "\n  efficiency: { dequant_expert: 0.5 }"), "exp.yaml");
        Assert.DoesNotContain(overridden.Warnings, w => w.Contains("expert_dequant_efficiency", StringComparison.Ordinal));

        // A dense model's widened weights are not experts: no warning, no echo.
        Experiment dense = ExperimentLoader.Parse(Valid.Replace("hardware: H100-SXM", "hardware: MI300X").Replace("weights: fp8", "weights: int4").Replace("kv_cache: fp8", "kv_cache: bf16"), "exp.yaml");
        Assert.DoesNotContain(dense.Warnings, w => w.Contains("expert_dequant_efficiency", StringComparison.Ordinal));
        Assert.DoesNotContain("dequant_expert", dense.ResolvedText);
    }

    [Fact]
    public void SGLang_on_MI300X_echoes_its_MLA_attention_efficiency_and_an_experiment_may_override_it()
    {
        string Sglang(string efficiency = "") => Valid.Replace("hardware: H100-SXM", "hardware: MI300X\n  engine: sglang" + efficiency);
        Experiment shipped = ExperimentLoader.Parse(Sglang(), "exp.yaml");
        Assert.Equal(0.0347, shipped.Points[0].Serving!.Replicas[0].Deployment.Efficiency.MlaAttention);
        Assert.Contains("mla_attention: 0.0347", shipped.ResolvedText);

        Experiment overridden = ExperimentLoader.Parse(Sglang("\n  efficiency: { mla_attention: 0.2 }"), "exp.yaml");
        Assert.Equal(0.2, overridden.Points[0].Serving!.Replicas[0].Deployment.Efficiency.MlaAttention);
        Assert.Contains("(overridden)", overridden.Points[0].Serving!.Replicas[0].Deployment.CalibrationName);

        // vLLM's row sets none: nothing is echoed, MLA runs at the attention efficiency.
        Assert.DoesNotContain("mla_attention", ExperimentLoader.Parse(Valid.Replace("hardware: H100-SXM", "hardware: MI300X"), "exp.yaml").ResolvedText);
        var bad = Problems(Sglang("\n  efficiency: { mla_attention: 2 }"));
        Assert.Contains(bad.Problems, p => p.Path == "serving.efficiency.mla_attention");
    }

    [Fact]
    public void A_misspelt_key_is_reported_with_its_position_and_the_closest_name()
    {
        var error = Problems(Valid.Replace("kv_cache: fp8", "kv_cahce: fp8"));
        ExperimentProblem problem = Assert.Single(error.Problems);
        Assert.Equal((8, 3), (problem.Line, problem.Column));
        Assert.Equal("serving.kv_cahce", problem.Path);
        Assert.Contains("did you mean 'kv_cache'", problem.Message);
    }

    [Fact]
    public void A_misspelt_required_key_is_one_problem_not_two()
    {
        // 'hardwre' is reported with its likely meaning; 'hardware is required' would say the same thing again.
        var error = Problems(Valid.Replace("hardware: H100-SXM", "hardwre: H100-SXM"));
        ExperimentProblem problem = Assert.Single(error.Problems);
        Assert.Equal("serving.hardwre", problem.Path);
        Assert.Contains("did you mean 'hardware'", problem.Message);

        // Without a near miss, the missing key is still reported as missing.
        var missing = Problems(Valid.Replace("hardware: H100-SXM", "colour: blue"));
        Assert.Contains(missing.Problems, p => p.Path == "serving.hardware" && p.Message == "is required");
    }

    [Fact]
    public void A_misspelt_section_is_one_problem_not_two()
    {
        // 'servng' is reported with its likely meaning; "an experiment needs a 'serving' section" would say it again.
        var error = Problems(Valid.Replace("serving:", "servng:"));
        ExperimentProblem problem = Assert.Single(error.Problems);
        Assert.Equal("servng", problem.Path);
        Assert.Contains("did you mean 'serving'", problem.Message);

        // Without a near miss, what is missing is still reported (the sweep over serving.scheduler.kind leaves a section
        // holding that key alone, so its required keys are what is missing).
        var missing = Problems(Valid.Replace("serving:", "deployment:"));
        Assert.Contains(missing.Problems, p => p.Path == "deployment" && p.Message.StartsWith("unknown key", StringComparison.Ordinal));
        Assert.Contains(missing.Problems, p => p.Path.StartsWith("serving.model", StringComparison.Ordinal) && p.Message == "is required");
    }

    [Fact]
    public void Unknown_hardware_suggests_the_catalog_id()
    {
        var error = Problems(Valid.Replace("hardware: H100-SXM", "hardware: H10"));
        Assert.Contains(error.Problems, p => p.Path == "serving.hardware" && p.Message.Contains("unknown hardware 'H10'") && p.Message.Contains("did you mean"));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        string yaml = Valid.Replace("rate: 20", "rate: -5").Replace("max_sequences: 64", "max_sequences: many").Replace("median: 200", "median: 900");
        var error = Problems(yaml.Replace("workload.arrival.rate: [10, 30]", "workload.arrival.cv: [2]"));
        Assert.Contains(error.Problems, p => p.Path == "workload.arrival.rate" && p.Message.Contains("out of range"));
        Assert.Contains(error.Problems, p => p.Path == "serving.scheduler.max_sequences" && p.Message.Contains("expected a number"));
        Assert.Contains(error.Problems, p => p.Path == "workload.prompt_tokens.median");
        Assert.True(error.Problems.All(p => p.Line > 0 && p.File == "exp.yaml"));
    }

    [Fact]
    public void A_length_may_be_a_plain_number_of_tokens()
    {
        Experiment experiment = ExperimentLoader.Parse(Valid.Replace("prompt_tokens: { kind: lognormal, mean: 300, median: 200, max: 2048 }", "prompt_tokens: 1024"), "exp.yaml");
        LengthSpec prompt = experiment.Points[0].Serving!.Prompt;
        Assert.Equal(("fixed", 1024.0), (prompt.Kind, prompt.Mean));
        Assert.Contains("prompt_tokens: { kind: fixed, mean: 1024,", experiment.ResolvedText);

        var zero = Problems(Valid.Replace("output_tokens: { kind: fixed, mean: 64 }", "output_tokens: 0"));
        Assert.Contains(zero.Problems, p => p.Path == "workload.output_tokens" && p.Message.Contains("out of range"));
        var word = Problems(Valid.Replace("output_tokens: { kind: fixed, mean: 64 }", "output_tokens: many"));
        Assert.Contains(word.Problems, p => p.Path == "workload.output_tokens" && p.Message.Contains("expected a number, got 'many'"));
    }

    [Fact]
    public void A_paced_client_may_cap_its_requests_in_flight()
    {
        Experiment experiment = ExperimentLoader.Parse(Valid.Replace("arrival: { kind: poisson, rate: 20 }", "arrival: { kind: poisson, rate: 20, max_in_flight: 8 }"), "exp.yaml");
        Assert.Equal(8, experiment.Points[0].Serving!.Arrival.MaxInFlight);
        Assert.Contains("max_in_flight: 8 }", experiment.ResolvedText);
        Assert.DoesNotContain("max_in_flight", ExperimentLoader.Parse(Valid, "exp.yaml").ResolvedText);   // echoed only when set

        var closed = Problems(Valid.Replace("arrival: { kind: poisson, rate: 20 }", "arrival: { kind: closed-loop, concurrency: 4, max_in_flight: 8 }"));
        Assert.Contains(closed.Problems, p => p.Path == "workload.arrival.max_in_flight" && p.Message.Contains("needs open arrivals"));

        // Against prefill/decode replicas too (a benchmark client's --max-concurrency at a rate, as disaggregated servers are measured).
        string split = Valid
            .Replace("arrival: { kind: poisson, rate: 20 }", "arrival: { kind: poisson, rate: 20, max_in_flight: 8 }", StringComparison.Ordinal)
            .Replace("  scheduler: { kind: chunked-prefill, max_sequences: 64 }", "  scheduler: { kind: chunked-prefill, max_sequences: 64 }\n  replicas: 2\n  disaggregation: { prefill_replicas: 1, kv_link_gb_s: 50 }", StringComparison.Ordinal)
            .Split("sweep:")[0];
        Experiment disaggregated = ExperimentLoader.Parse(split, "exp.yaml");
        Assert.Equal((8, 1), (disaggregated.Points[0].Serving!.Arrival.MaxInFlight, disaggregated.Points[0].Serving!.Disaggregation!.PrefillReplicas));
        var sampled = Problems(Valid.Replace("arrival: { kind: poisson, rate: 20 }", "arrival: { kind: poisson, rate: 20, max_in_flight: 8 }", StringComparison.Ordinal)
            .Replace("workload:", "test_time: { policy: best-of-n, samples: 4 }\nworkload:", StringComparison.Ordinal));
        Assert.Contains(sampled.Problems, p => p.Path == "workload.arrival.max_in_flight" && p.Message.Contains("cannot be combined with test_time", StringComparison.Ordinal));
    }

    [Fact]
    public void An_offline_batch_handed_over_in_process_shares_its_first_step()
    {
        // Eight users at once, one request each, room in one step for all eight 2,048-token prompts.
        string Batch(string extra) => Valid
            .Replace("scheduler: { kind: chunked-prefill, max_sequences: 64 }", "scheduler: { kind: chunked-prefill, max_sequences: 8, max_batched_tokens: 16384 }", StringComparison.Ordinal)
            .Replace("arrival: { kind: poisson, rate: 20 }", $"arrival: {{ kind: closed-loop, concurrency: 8{extra} }}", StringComparison.Ordinal)
            .Replace("prompt_tokens: { kind: lognormal, mean: 300, median: 200, max: 2048 }", "prompt_tokens: 2048", StringComparison.Ordinal)
            .Replace("requests: 400", "requests: 8", StringComparison.Ordinal)
            .Replace("replications: 2", "replications: 1", StringComparison.Ordinal)
            .Split("sweep:")[0];
        Experiment together = ExperimentLoader.Parse(Batch(", in_process: true"), "exp.yaml");
        Assert.True(together.Points[0].Serving!.Arrival.InProcess);
        Assert.Contains("in_process: true }", together.ResolvedText);
        Experiment served = ExperimentLoader.Parse(Batch(string.Empty), "exp.yaml");
        Assert.DoesNotContain("in_process", served.ResolvedText);   // echoed only when set

        RecordedResult one = ExperimentRunner.Run(together, workers: 1)[0].Replications[0];
        RecordedResult apart = ExperimentRunner.Run(served, workers: 1)[0].Replications[0];
        // In process every first token comes from the one step (the mean is the p99 within the sketch's 0.5 %); through a
        // front end the first request's step runs alone and the other seven wait for it.
        Assert.Equal(1, one.Scalar("ttft_mean_s") / one.Scalar("ttft_p99_s"), 2);
        Assert.True(apart.Scalar("ttft_mean_s") < 0.95 * apart.Scalar("ttft_p99_s"));

        var wrong = Problems(Batch(", in_process: sometimes"));
        Assert.Contains(wrong.Problems, p => p.Path == "workload.arrival.in_process");
    }

    [Fact]
    public void Malformed_yaml_is_a_positioned_syntax_error()
    {
        var error = Problems("name: x\nserving: [unclosed\n");
        Assert.Equal("(syntax)", Assert.Single(error.Problems).Path);
    }

    [Fact]
    public void A_model_that_does_not_fit_is_rejected_before_running()
    {
        var error = Problems(Valid.Replace("model: llama-3.1-8b", "model: llama-3.1-405b"));
        Assert.Contains(error.Problems, p => p.Message.Contains("does not fit"));
    }

    [Fact]
    public void Tensor_parallel_that_does_not_divide_the_heads_is_rejected()
    {
        var error = Problems(Valid.Replace("weights: fp8", "weights: fp8\n  tensor_parallel: 3"));
        Assert.Contains(error.Problems, p => p.Message.Contains("does not divide the 32 attention heads"));
    }

    [Fact]
    public void A_missing_file_is_a_clear_error()
    {
        var error = Assert.Throws<ExperimentException>(() => ExperimentLoader.Load("/no/such/experiment.yaml"));
        Assert.Contains("file not found", error.Message);
    }

    [Fact]
    public void Rate_and_load_are_mutually_exclusive()
    {
        var error = Problems(Valid.Replace("rate: 20", "rate: 20, load: 0.5"));
        Assert.Contains(error.Problems, p => p.Message.Contains("exactly one of 'rate'"));
    }
}
