using ClusterSim.Core.Inference;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Inference;

public class SchedulerOptionsTests
{
    [Theory]
    [InlineData(ServingEngine.Vllm, KvAdmissionPolicy.Grow, true)]
    [InlineData(ServingEngine.Sglang, KvAdmissionPolicy.Grow, true)]
    [InlineData(ServingEngine.TensorRtLlm, KvAdmissionPolicy.Reserve, false)]
    public void Each_engine_schedules_as_it_does_by_default_and_keeps_the_other_limits(ServingEngine engine, KvAdmissionPolicy admission, bool async)
    {
        SchedulerOptions options = SchedulerOptions.For(engine);
        Assert.Equal(admission, options.KvAdmission);
        Assert.Equal(async, options.AsyncScheduling);
        Assert.Equal(new SchedulerOptions() with { KvAdmission = admission, AsyncScheduling = async }, options);
    }
}
