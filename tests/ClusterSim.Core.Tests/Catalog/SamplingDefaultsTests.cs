using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Catalog;

/// <summary>The checkpoints' generation_config.json sampling, which vLLM applies to requests that set none.</summary>
public class SamplingDefaultsTests
{
    [Theory]
    [InlineData("meta-llama/Llama-3.1-8B-Instruct", SamplingMode.Filtered, "temperature 0.6, top_p 0.9")]
    [InlineData("META-LLAMA/LLAMA-3.1-8B-INSTRUCT", SamplingMode.Filtered, "temperature 0.6, top_p 0.9")]   // Hugging Face names are case-insensitive
    [InlineData("Qwen/Qwen3-14B", SamplingMode.Filtered, "temperature 0.6, top_p 0.95, top_k 20")]
    [InlineData("mistralai/Mixtral-8x7B-v0.1", SamplingMode.Random, "no sampling parameters")]
    public void A_recorded_checkpoint_gives_its_sampling(string checkpoint, SamplingMode mode, string settings)
    {
        Assert.True(SamplingDefaults.TryGet(checkpoint, out SamplingMode found, out string text, out string source));
        Assert.Equal(mode, found);
        Assert.Equal(settings, text);
        Assert.NotEmpty(source);
    }

    [Theory]
    [InlineData("llama-3.1-8b")]   // a catalog id names an architecture, not a checkpoint
    [InlineData("mistralai/Mistral-Nemo-Instruct-2407")]
    public void An_unrecorded_checkpoint_has_no_default(string checkpoint) =>
        Assert.False(SamplingDefaults.TryGet(checkpoint, out _, out _, out _));

    [Fact]
    public void Every_recorded_checkpoint_is_a_catalog_model()
    {
        Assert.All(SamplingDefaults.All, d => Assert.True(SimCatalog.Default.Models.TryResolve(d.Checkpoint, out _), d.Checkpoint));
    }
}
