using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// TensorRT-LLM's one-shot all-reduce: a small message reads every peer's buffer after one synchronisation, so a small
/// batch's step at TP 8 pays a launch and one step an all-reduce, where NCCL's ring pays fourteen steps.
/// </summary>
public class TensorRtLlmAllReduceTests
{
    private static readonly EfficiencyFactors Factors = new()
    {
        Compute = 0.7, Memory = 0.86, Attention = 0.45, KvRead = 0.87, Link = 0.4, CollectiveLaunchSeconds = 20e-6, CollectiveLatencySeconds = 2e-6,
    };

    private static ServingDeployment On(string chip, int tp, string engineVersion, ServingEngine engine = ServingEngine.TensorRtLlm) => new()
    {
        Model = SimCatalog.Default.Models.Get("llama-2-70b"),
        Accelerator = SimCatalog.Default.Hardware.Get(chip),
        TensorParallel = tp,
        Weights = Precision.FP8,
        KvCache = Precision.FP8,
        Engine = engine,
        EngineVersion = engineVersion,
        Efficiency = Factors,
    };

    [Theory]
    [InlineData(8, 30)]    // 491,520 bytes, under 500 kB; 31 tokens are over
    [InlineData(4, 61)]    // 999,424 bytes, under 1 MB
    [InlineData(2, 976)]   // 15,990,784 bytes: two ranks go one-shot up to the 16 MB workspace
    public void The_plugin_sends_a_message_one_shot_by_its_size_and_the_group(int ranks, int lastTokens)
    {
        const double llama70bToken = 8192 * 2;   // the hidden width in 16 bits
        Assert.Equal(lastTokens, TensorRtLlmAllReduce.OneShotTokens(llama70bToken, ranks));
    }

    [Theory]
    [InlineData("H100-SXM", 8, "0.9.0", ServingEngine.TensorRtLlm, true)]
    [InlineData("A100-80GB", 4, "0.12.0", ServingEngine.TensorRtLlm, true)]
    [InlineData("H100-NVL", 2, "0.9.0", ServingEngine.TensorRtLlm, true)]   // a bridged pair shares NVLink
    [InlineData("L40S", 4, "0.9.0", ServingEngine.TensorRtLlm, false)]      // PCIe only: NCCL
    [InlineData("H100-SXM", 1, "0.9.0", ServingEngine.TensorRtLlm, false)]
    [InlineData("H100-SXM", 8, "1.0", ServingEngine.TensorRtLlm, false)]    // 1.x picks from its measured table
    [InlineData("H100-SXM", 8, "", ServingEngine.TensorRtLlm, false)]       // no release: the newest
    [InlineData("H100-SXM", 8, "0.4.0", ServingEngine.Vllm, false)]
    public void Only_TensorRT_LLM_0x_on_an_NVLink_group_runs_its_own_kernel(string chip, int tp, string version, ServingEngine engine, bool applies) =>
        Assert.Equal(applies, TensorRtLlmAllReduce.Applies(On(chip, tp, version, engine)));

    [Fact]
    public void A_small_batch_pays_a_launch_and_one_synchronisation_an_all_reduce_and_reads_every_peer()
    {
        ServingDeployment d = On("H100-SXM", 8, "0.9.0");
        double link = d.Accelerator.ScaleUpGBps!.Value * 1e9 * Factors.Link;
        int allReduces = 2 * d.Model.Layers;
        const double token = 8192 * 2;
        double oneShot = allReduces * (Factors.CollectiveLaunchSeconds + Factors.CollectiveLatencySeconds + (7 * 16 * token / link));
        Assert.Equal(oneShot, new StepTimeModel(d).Terms(BatchShape.Decode(16, 16 * 200)).Collectives, 12);

        // From 31 tokens on the ring: fourteen steps, 2(n-1)/n of the message.
        double ring = allReduces * (Factors.CollectiveLaunchSeconds + (14 * Factors.CollectiveLatencySeconds) + (2.0 * 7 / 8 * 32 * token / link));
        Assert.Equal(ring, new StepTimeModel(d).Terms(BatchShape.Decode(32, 32 * 200)).Collectives, 12);
    }

    [Fact]
    public void A_release_without_the_kernel_keeps_the_ring_for_every_size()
    {
        var ring = new StepTimeModel(On("H100-SXM", 8, "1.0"));
        var oneShot = new StepTimeModel(On("H100-SXM", 8, "0.9.0"));
        Assert.True(oneShot.Terms(BatchShape.Decode(1, 200)).Collectives < 0.8 * ring.Terms(BatchShape.Decode(1, 200)).Collectives);
        Assert.Equal(ring.Terms(BatchShape.Decode(64, 64 * 200)).Collectives, oneShot.Terms(BatchShape.Decode(64, 64 * 200)).Collectives, 15);
    }

    [Fact]
    public void No_step_is_shorter_than_the_floor_the_cheaper_kernel_sets()
    {
        var model = new StepTimeModel(On("H100-SXM", 8, "0.9.0"));
        Assert.True(model.IterationFloorNanos <= model.Iteration(BatchShape.Decode(1, 1)).Nanos);
    }

    [Fact]
    public void The_step_command_says_up_to_which_step_the_kernel_runs()
    {
        Assert.Contains("up to 30 tokens", TensorRtLlmAllReduce.Describe(On("H100-SXM", 8, "0.9.0")), StringComparison.Ordinal);
        Assert.Contains("up to 61 tokens", TensorRtLlmAllReduce.Describe(On("H100-SXM", 4, "0.9.0")), StringComparison.Ordinal);
        Assert.Null(TensorRtLlmAllReduce.Describe(On("L40S", 4, "0.9.0")));
    }
}
