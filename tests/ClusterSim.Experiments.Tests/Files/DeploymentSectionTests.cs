using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Tests.Files;

public class DeploymentSectionTests
{
    [Fact]
    public void Weights_a_chip_cannot_compute_in_are_named_in_a_warning_not_silently_promoted()
    {
        Experiment a100 = ExperimentLoader.Parse(ExperimentLoaderTests.Valid.Replace("hardware: H100-SXM", "hardware: A100-80GB", StringComparison.Ordinal), "exp.yaml");
        Assert.Equal(Precision.BF16, a100.Points[0].Serving!.Replicas[0].Deployment.ComputePrecision);
        Assert.Contains("warning: A100-80GB: FP8 weights are computed in BF16 (A100-80GB has no FP8 units); they stay FP8 in memory", a100.Calibrations);

        Experiment h100 = ExperimentLoader.Parse(ExperimentLoaderTests.Valid, "exp.yaml");
        Assert.DoesNotContain(h100.Calibrations, c => c.Contains("are computed in", StringComparison.Ordinal));
    }

    [Fact]
    public void A_deployment_vLLM_would_not_start_at_its_max_model_len_is_warned_until_one_is_set()
    {
        // 80 % of memory reserved leaves Llama 3.1 8B some tens of thousands of tokens of KV cache, not its 131,072 context.
        string squeezed = ExperimentLoaderTests.Valid.Replace("kv_cache: fp8", "kv_cache: fp8\n  memory_reserve: 0.8", StringComparison.Ordinal);
        Experiment tight = ExperimentLoader.Parse(squeezed, "exp.yaml");
        Assert.Contains(tight.Calibrations, c => c.StartsWith("warning: H100-SXM: vLLM does not start llama-3.1-8b here at max_model_len 131,072 (the model's context)", StringComparison.Ordinal)
            && c.EndsWith("; set serving.max_model_len", StringComparison.Ordinal));

        Experiment started = ExperimentLoader.Parse(squeezed.Replace("memory_reserve: 0.8", "memory_reserve: 0.8\n  max_model_len: 16384", StringComparison.Ordinal), "exp.yaml");
        Assert.DoesNotContain(started.Calibrations, c => c.Contains("does not start", StringComparison.Ordinal));
        Assert.DoesNotContain(ExperimentLoader.Parse(ExperimentLoaderTests.Valid, "exp.yaml").Calibrations, c => c.Contains("does not start", StringComparison.Ordinal));
    }

    [Fact]
    public void Hardware_without_a_tdp_is_named_in_a_warning_since_its_energy_reads_zero()
    {
        Experiment inf2 = ExperimentLoader.Parse(ExperimentLoaderTests.Valid.Replace("hardware: H100-SXM", "hardware: Inferentia2", StringComparison.Ordinal), "exp.yaml");
        Assert.Contains(inf2.Calibrations, c => c.StartsWith("warning: Inferentia2: no TDP in the catalog", StringComparison.Ordinal));
    }

    [Fact]
    public void A_TensorRT_LLM_release_older_than_its_calibration_takes_its_series_row_or_is_named_in_a_warning()
    {
        string trt = ExperimentLoaderTests.Valid.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine: tensorrt-llm", StringComparison.Ordinal);
        string Older(string yaml) => yaml.Replace("engine: tensorrt-llm", "engine: tensorrt-llm\n  engine_version: \"0.9.0\"", StringComparison.Ordinal);
        Experiment old = ExperimentLoader.Parse(Older(trt), "exp.yaml");
        Experiment current = ExperimentLoader.Parse(trt, "exp.yaml");

        // Hopper in FP8 has a row fitted on TensorRT-LLM 0.9.0's runs: a 0.x release takes it, and nothing is warned.
        Assert.Equal("hopper-trtllm@0.x/fp8", old.Points[0].Serving!.Replicas[0].Deployment.CalibrationName);
        Assert.Equal("hopper-trtllm/fp8", current.Points[0].Serving!.Replicas[0].Deployment.CalibrationName);
        Assert.DoesNotContain(old.Calibrations, c => c.Contains("predates", StringComparison.Ordinal));
        Assert.DoesNotContain(current.Calibrations, c => c.Contains("predates", StringComparison.Ordinal));

        // Blackwell in FP4 has only its 1.x row: a 0.x release is named in a warning.
        Experiment blackwell = ExperimentLoader.Parse(Older(trt).Replace("hardware: H100-SXM", "hardware: B200", StringComparison.Ordinal).Replace("weights: fp8", "weights: fp4", StringComparison.Ordinal), "exp.yaml");
        Assert.Contains(blackwell.Calibrations, c => c.StartsWith("warning: B200: TensorRT-LLM 0.9.0 predates 1.0, the release blackwell-trtllm/int4 was fitted on", StringComparison.Ordinal));
    }

    [Fact]
    public void A_TensorRT_LLM_row_fitted_offline_warns_that_it_charges_no_front_end_until_one_is_given()
    {
        string trt = ExperimentLoaderTests.Valid.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine: tensorrt-llm", StringComparison.Ordinal);
        Experiment served = ExperimentLoader.Parse(trt, "exp.yaml");
        Assert.Contains(served.Calibrations, c => c.StartsWith("warning: H100-SXM: calibration hopper-trtllm/fp8 was fitted on offline benchmarks (trtllm-bench) and charges no front end", StringComparison.Ordinal)
            && c.Contains("serving.efficiency.request_overhead_ms", StringComparison.Ordinal));

        // A front end given, or vLLM's row (fitted on served runs), says nothing.
        Experiment given = ExperimentLoader.Parse(trt.Replace("engine: tensorrt-llm", "engine: tensorrt-llm\n  efficiency: { request_overhead_ms: 3 }", StringComparison.Ordinal), "exp.yaml");
        Assert.DoesNotContain(given.Calibrations, c => c.Contains("charges no front end", StringComparison.Ordinal));
        Assert.Equal(3e-3, given.Points[0].Serving!.Replicas[0].Deployment.Efficiency.RequestOverheadSeconds, 12);
        Assert.DoesNotContain(ExperimentLoader.Parse(ExperimentLoaderTests.Valid, "exp.yaml").Calibrations, c => c.Contains("charges no front end", StringComparison.Ordinal));
    }

    [Fact]
    public void A_group_across_two_nodes_warns_of_its_unfitted_network_latency_until_one_is_given()
    {
        string twoNodes = ExperimentLoaderTests.Valid.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  tensor_parallel: 16", StringComparison.Ordinal);
        Experiment assumed = ExperimentLoader.Parse(twoNodes, "exp.yaml");
        Assert.Contains(assumed.Calibrations, c => c.StartsWith("warning: H100-SXM: tensor_parallel 16 spans 2 scale-up domains of 8 H100-SXM", StringComparison.Ordinal)
            && c.Contains("9.6 µs a ring step (nccl-tests' two-node latency", StringComparison.Ordinal));
        Assert.Contains("network_latency_us: 9.6", assumed.ResolvedText, StringComparison.Ordinal);

        // A measured latency given: said, not warned. One node says nothing and echoes no network latency.
        Experiment given = ExperimentLoader.Parse(twoNodes.Replace("tensor_parallel: 16", "tensor_parallel: 16\n  efficiency: { network_latency_us: 35 }", StringComparison.Ordinal), "exp.yaml");
        Assert.Equal(35e-6, given.Points[0].Serving!.Replicas[0].Deployment.Efficiency.NetworkLatencySeconds, 12);
        Assert.Contains("H100-SXM: tensor_parallel 16 spans 2 scale-up domains of 8 H100-SXM: its all-reduces (and any expert all-to-alls) cross the scale-out network at 50 GB/s an accelerator times the calibration's link efficiency, 35 µs a ring step", given.Calibrations);
        Experiment one = ExperimentLoader.Parse(ExperimentLoaderTests.Valid, "exp.yaml");
        Assert.DoesNotContain(one.Calibrations, c => c.Contains("scale-up domains", StringComparison.Ordinal));
        Assert.DoesNotContain("network_latency_us", one.ResolvedText, StringComparison.Ordinal);
    }

    [Fact]
    public void An_SGLang_release_older_than_its_calibration_is_named_in_a_warning()
    {
        string sglang = ExperimentLoaderTests.Valid.Replace("hardware: H100-SXM", "hardware: MI300X\n  engine: sglang", StringComparison.Ordinal);
        string Release(string version) => sglang.Replace("engine: sglang", $"engine: sglang\n  engine_version: \"{version}\"", StringComparison.Ordinal);
        Experiment fitted = ExperimentLoader.Parse(Release("0.5.12"), "exp.yaml");
        Experiment between = ExperimentLoader.Parse(Release("0.5.10"), "exp.yaml");
        Experiment older = ExperimentLoader.Parse(Release("0.5.9"), "exp.yaml");
        Experiment oldest = ExperimentLoader.Parse(Release("0.4.6"), "exp.yaml");

        // cdna3-sglang/fp8 was fitted on SGLang 0.5.12: that release and later are not warned; 0.5.10 predates it and is.
        Assert.Equal("cdna3-sglang/fp8", fitted.Points[0].Serving!.Replicas[0].Deployment.CalibrationName);
        Assert.DoesNotContain(fitted.Calibrations, c => c.Contains("predates", StringComparison.Ordinal));
        Assert.Contains(between.Calibrations, c => c.StartsWith("warning: MI300X: SGLang 0.5.10 predates 0.5.12, the release cdna3-sglang/fp8 was fitted on", StringComparison.Ordinal));

        // 0.5.9 has a row of its own (cdna3-sglang@0.5.9); a release older than that takes it, warned.
        Assert.Equal("cdna3-sglang@0.5.9/fp8", older.Points[0].Serving!.Replicas[0].Deployment.CalibrationName);
        Assert.DoesNotContain(older.Calibrations, c => c.Contains("predates", StringComparison.Ordinal));
        Assert.Equal("cdna3-sglang@0.5.9/fp8", oldest.Points[0].Serving!.Replicas[0].Deployment.CalibrationName);
        Assert.Contains(oldest.Calibrations, c => c.StartsWith("warning: MI300X: SGLang 0.4.6 predates 0.5.9, the release cdna3-sglang@0.5.9/fp8 was fitted on", StringComparison.Ordinal));
    }

    [Fact]
    public void The_vLLM_release_picks_the_memory_profile_that_sizes_the_KV_cache()
    {
        ServingDeployment Deployment(string yaml) => ExperimentLoader.Parse(yaml, "exp.yaml").Points[0].Serving!.Replicas[0].Deployment;
        // At vLLM's H100 limit of 1,024 sequences the sampler sets the peak (at 64 the forward pass would).
        string many = ExperimentLoaderTests.Valid.Replace("max_sequences: 64", "max_sequences: 1024", StringComparison.Ordinal);
        ServingDeployment newest = Deployment(many);
        ServingDeployment january = Deployment(many.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine_version: \"0.11.0\"", StringComparison.Ordinal));

        Assert.Equal("0.11.0", january.EngineVersion);
        Assert.True(january.RuntimeBytesPerAccelerator > newest.RuntimeBytesPerAccelerator);   // 38.9 against 14.53 bytes a logit
        Assert.True(january.KvBlocks < newest.KvBlocks);
    }

    [Fact]
    public void A_release_that_is_not_a_version_is_a_located_problem()
    {
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(ExperimentLoaderTests.Valid.Replace("hardware: H100-SXM", "hardware: H100-SXM\n  engine_version: latest", StringComparison.Ordinal), "exp.yaml"));

        Assert.Contains("serving.engine_version", e.Message);
        Assert.Contains("'latest' is not a release number", e.Message);
    }
}
