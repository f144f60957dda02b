using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Catalog;

public class SimCatalogTests
{
    [Fact]
    public void A_deployment_takes_the_calibration_of_its_accelerator_precision_and_engine()
    {
        ServingDeployment vllm = SimCatalog.Default.Deployment("meta-llama/Llama-3.1-8B-Instruct", "H100", weights: Precision.FP8);
        Assert.Equal("llama-3.1-8b", vllm.Model.Id);
        Assert.Equal("H100-SXM", vllm.Accelerator.Id);
        Assert.Equal(Precision.FP8, vllm.KvCache);
        Assert.Equal("hopper-vllm/fp8", vllm.CalibrationName);

        ServingDeployment trt = SimCatalog.Default.Deployment("llama-3.1-8b", "H100-SXM", 2, Precision.FP8, Precision.BF16, ServingEngine.TensorRtLlm);
        Assert.Equal(2, trt.TensorParallel);
        Assert.Equal(Precision.BF16, trt.KvCache);
        Assert.Equal("hopper-trtllm/fp8", trt.CalibrationName);
    }

    [Fact]
    public void An_unknown_model_is_named_with_a_suggestion()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => SimCatalog.Default.Deployment("llama-3.1-8c", "H100-SXM"));
        Assert.Contains("llama-3.1-8c", e.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean", e.Message, StringComparison.Ordinal);
    }
}
