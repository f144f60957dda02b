using ClusterSim.Core.Inference;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Inference;

public class SchedulerOptionsTests
{
    [Theory]
    [InlineData(ServingEngine.Vllm, SchedulerKind.ChunkedPrefill, KvAdmissionPolicy.Grow, true, 256)]
    [InlineData(ServingEngine.Sglang, SchedulerKind.PrefillFirst, KvAdmissionPolicy.Grow, true, 256)]
    [InlineData(ServingEngine.TensorRtLlm, SchedulerKind.ChunkedPrefill, KvAdmissionPolicy.Reserve, false, 2048)]   // its LLM API's max_batch_size
    public void Each_engine_schedules_as_it_does_by_default_and_keeps_the_other_limits(ServingEngine engine, SchedulerKind kind, KvAdmissionPolicy admission, bool async, int sequences)
    {
        SchedulerOptions options = SchedulerOptions.For(engine);
        Assert.Equal(kind, options.Kind);
        Assert.Equal(admission, options.KvAdmission);
        Assert.Equal(async, options.AsyncScheduling);
        Assert.Equal(new SchedulerOptions() with { Kind = kind, KvAdmission = admission, AsyncScheduling = async, MaxSequences = sequences }, options);
        Assert.Equal(8192, options.MaxBatchedTokens);   // vLLM's budget, and TensorRT-LLM's max_num_tokens
    }

    /// <summary>vLLM scheduled one step after another by default until 0.14 turned async scheduling on (vllm-project/vllm#27614); an unstated release is a current one.</summary>
    [Theory]
    [InlineData("0.10.2", false)]
    [InlineData("0.11.0", false)]
    [InlineData("v0.13.0", false)]
    [InlineData("0.14.0", true)]
    [InlineData("0.15.1", true)]
    [InlineData("", true)]
    public void Vllm_schedules_asynchronously_by_default_from_0_14(string version, bool async)
    {
        Assert.Equal(async, SchedulerOptions.For(ServingEngine.Vllm, version).AsyncScheduling);
        Assert.True(SchedulerOptions.For(ServingEngine.Sglang, version).AsyncScheduling);   // SGLang's releases do not count as vLLM's
    }

    /// <summary>trtllm-build left max_num_tokens unset before 0.11 (max_batch_size x max_seq_len); from 0.11 it is 8,192.</summary>
    [Theory]
    [InlineData("0.9.0", 2048 * 131_072)]
    [InlineData("0.10.0", 2048 * 131_072)]
    [InlineData("0.11.0", 8192)]
    [InlineData("1.0.0", 8192)]
    [InlineData("", 8192)]
    public void TensorRT_LLM_before_0_11_has_no_token_budget_of_its_own(string version, int budget)
    {
        SchedulerOptions options = SchedulerOptions.For(ServingEngine.TensorRtLlm, version);
        Assert.Equal(budget, options.MaxBatchedTokens);
        Assert.Equal(2048, options.MaxSequences);
        Assert.Equal(options, options.Validated());
    }
}
