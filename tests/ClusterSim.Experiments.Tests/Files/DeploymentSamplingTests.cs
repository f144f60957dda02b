using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary>
/// <c>serving.sampling</c>: how requests pick their tokens, echoed in the resolved experiment; top-p costs vLLM's sampler
/// its sort, model-default reads the checkpoint's generation_config.json, and neither a missing default nor an
/// unmeasured sampler passes silently.
/// </summary>
public class DeploymentSamplingTests
{
    private static string With(string sampling, string model = "llama-3.1-8b", string hardware = "H100-SXM") =>
        ExperimentLoaderTests.Valid.Replace("model: llama-3.1-8b", $"model: {model}").Replace("hardware: H100-SXM", $"hardware: {hardware}")
            .Replace("kv_cache: fp8", "kv_cache: fp8" + (sampling.Length > 0 ? $"\n  sampling: {sampling}" : string.Empty));

    private static ServingDeployment Deployment(Experiment e) => e.Points[0].Serving!.Replicas[0].Deployment;

    [Fact]
    public void Requests_sample_at_a_temperature_unless_told_otherwise()
    {
        Experiment e = ExperimentLoader.Parse(With(string.Empty), "exp.yaml");

        Assert.Equal(SamplingMode.Random, Deployment(e).Sampling);
        Assert.Contains("  sampling: temperature", e.ResolvedText);
        Assert.DoesNotContain("sampler_sm_cycles_per_entry", e.ResolvedText);
    }

    [Theory]
    [InlineData("top-p", SamplingMode.Filtered)]
    [InlineData("top-k", SamplingMode.Filtered)]
    [InlineData("greedy", SamplingMode.Greedy)]
    public void A_named_sampling_is_taken_and_top_p_shows_its_sampler_factor(string name, SamplingMode mode)
    {
        Experiment e = ExperimentLoader.Parse(With(name).Replace("kv_cache: fp8", "kv_cache: fp8\n  engine_version: \"0.15.1\""), "exp.yaml");

        Assert.Equal(mode, Deployment(e).Sampling);
        Assert.Equal(mode == SamplingMode.Filtered, e.ResolvedText.Contains("sampler_sm_cycles_per_entry: 48.3", StringComparison.Ordinal));
        Assert.DoesNotContain(e.Warnings, w => w.Contains("sampl", StringComparison.Ordinal));
    }

    [Fact]
    public void Model_default_reads_the_checkpoints_generation_config_and_warns_when_none_is_recorded()
    {
        Experiment instruct = ExperimentLoader.Parse(With("model-default", "meta-llama/Llama-3.1-8B-Instruct"), "exp.yaml");
        Assert.Equal(SamplingMode.Filtered, Deployment(instruct).Sampling);
        Assert.DoesNotContain(instruct.Warnings, w => w.Contains("model-default", StringComparison.Ordinal));

        Experiment architecture = ExperimentLoader.Parse(With("model-default"), "exp.yaml");
        Assert.Equal(SamplingMode.Random, Deployment(architecture).Sampling);
        Assert.Contains(architecture.Warnings, w => w.Contains("serving.sampling is model-default, and no generation_config.json of 'llama-3.1-8b' is recorded", StringComparison.Ordinal));
    }

    [Fact]
    public void Top_p_on_a_calibration_that_never_measured_the_sampler_warns()
    {
        // The TensorRT-LLM row has no sampler factor: filtered sampling there costs nothing, said.
        Experiment e = ExperimentLoader.Parse(With("top-p").Replace("  sampling: top-p", "  sampling: top-p\n  engine: tensorrt-llm"), "exp.yaml");

        Assert.Contains(e.Warnings, w => w.Contains("requests filter by top-p or top-k, and calibration hopper-trtllm/fp8 has no measured sampler cost", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0.15.1", "vllm", SamplerKernel.Ranking)]
    [InlineData("0.21.0", "vllm", SamplerKernel.Ranking)]
    [InlineData("0.22.1", "vllm", SamplerKernel.SortFree)]
    [InlineData("v0.32.0", "vllm", SamplerKernel.SortFree)]
    [InlineData("", "sglang", SamplerKernel.SortFree)]
    public void The_engine_release_picks_the_sampler_kernel_and_the_resolved_file_names_it(string version, string engine, SamplerKernel expected)
    {
        string extra = $"\n  engine: {engine}" + (version.Length > 0 ? $"\n  engine_version: \"{version}\"" : string.Empty);
        Experiment e = ExperimentLoader.Parse(With("top-p").Replace("  sampling: top-p", "  sampling: top-p" + extra), "exp.yaml");

        Assert.Equal(expected, Deployment(e).SamplerKernel);
        Assert.Contains($"  sampler_kernel: {DeploymentSection.SamplerKernelName(expected)}", e.ResolvedText);
        Assert.DoesNotContain(e.Warnings, w => w.Contains("engine_version is not given", StringComparison.Ordinal));
    }

    [Fact]
    public void Top_p_on_vllm_without_a_release_ranks_and_says_so_unless_the_kernel_is_named()
    {
        Experiment unstated = ExperimentLoader.Parse(With("top-p"), "exp.yaml");
        Assert.Equal(SamplerKernel.Ranking, Deployment(unstated).SamplerKernel);
        Assert.Contains(unstated.Warnings, w => w.Contains("serving.engine_version is not given, so vLLM's sampler ranks the vocabulary as releases before 0.22 do", StringComparison.Ordinal));

        Experiment named = ExperimentLoader.Parse(With("top-p").Replace("  sampling: top-p", "  sampling: top-p\n  sampler_kernel: flashinfer"), "exp.yaml");
        Assert.Equal(SamplerKernel.SortFree, Deployment(named).SamplerKernel);
        Assert.DoesNotContain(named.Warnings, w => w.Contains("engine_version is not given", StringComparison.Ordinal));

        // Without a filter the kernel never runs, so a missing release is not worth a word.
        Experiment temperature = ExperimentLoader.Parse(With("temperature"), "exp.yaml");
        Assert.DoesNotContain(temperature.Warnings, w => w.Contains("engine_version is not given", StringComparison.Ordinal));
        Assert.DoesNotContain("sampler_kernel", temperature.ResolvedText);
    }

    [Fact]
    public void The_sort_free_kernel_shortens_a_filtered_run()
    {
        // The same filtered traffic served by a release that ranks and by one that does not: the sort-free one is faster.
        string Run(string version) => With("top-p").Replace("  sampling: top-p", $"  sampling: top-p\n  engine_version: \"{version}\"");
        var ranking = new ClusterSim.Core.Performance.StepTimeModel(Deployment(ExperimentLoader.Parse(Run("0.15.1"), "exp.yaml")));
        var sortFree = new ClusterSim.Core.Performance.StepTimeModel(Deployment(ExperimentLoader.Parse(Run("0.22.0"), "exp.yaml")));
        BatchShape decode = BatchShape.Decode(64, 64 * 1024);

        Assert.Equal(ranking.Terms(decode).Sampler * SamplerKernels.SortFreeShare, sortFree.Terms(decode).Sampler, 12);
        Assert.True(sortFree.Iteration(decode).Nanos < ranking.Iteration(decode).Nanos);
    }

    [Fact]
    public void Top_p_on_an_accelerator_without_an_SM_figure_samples_as_an_H100_and_says_so()
    {
        string file = With("top-p", hardware: "MI300X").Replace("  sampling: top-p", "  sampling: top-p\n  engine_version: \"0.15.1\"");
        Experiment amd = ExperimentLoader.Parse(file, "exp.yaml");
        Experiment h100 = ExperimentLoader.Parse(With("top-p").Replace("  sampling: top-p", "  sampling: top-p\n  engine_version: \"0.15.1\""), "exp.yaml");

        Assert.Contains(amd.Warnings, w => w.Contains("the catalog gives no SM figure (sm_ghz) for MI300X, so its sampler is taken to run as fast as an H100's", StringComparison.Ordinal));
        Assert.DoesNotContain(h100.Warnings, w => w.Contains("SM figure", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_sampler_kernel_is_an_error_with_its_position_and_the_choices()
    {
        var error = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(With("top-p").Replace("  sampling: top-p", "  sampling: top-p\n  sampler_kernel: bitonic"), "exp.yaml"));

        Assert.Contains("serving.sampler_kernel", error.Message);
        Assert.Contains("flashinfer", error.Message);
    }

    [Fact]
    public void An_unknown_sampling_is_an_error_with_its_position_and_the_choices()
    {
        var error = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(With("nucleus"), "exp.yaml"));

        Assert.Contains("serving.sampling", error.Message);
        Assert.Contains("top-p", error.Message);
    }
}
