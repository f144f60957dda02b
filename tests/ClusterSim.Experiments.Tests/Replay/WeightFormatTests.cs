using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;

namespace ClusterSim.Experiments.Tests.Replay;

public class WeightFormatTests
{
    private static readonly ModelSpec Llama8B = SimCatalog.Default.Models.Get("llama-3.1-8b");

    [Theory]
    [InlineData("bfloat16")]
    [InlineData("float16")]
    [InlineData("half")]
    [InlineData("BF16")]
    [InlineData("FP16")]
    public void vLLMs_sixteen_bit_dtypes_run_sixteen_bit_weights(string dtype)
    {
        var notes = new List<string>();
        Assert.Equal(Precision.BF16, WeightFormat.Of(dtype, "meta-llama/Llama-3.1-8B-Instruct", Llama8B, notes));
        Assert.Empty(notes);
    }

    [Theory]
    [InlineData("RedHatAI/Meta-Llama-3.1-8B-Instruct-FP8", Precision.FP8)]
    [InlineData("RedHatAI/Llama-4-Scout-17B-16E-Instruct-FP8-dynamic", Precision.FP8)]
    [InlineData("neuralmagic/Meta-Llama-3.1-70B-Instruct-quantized.w4a16", Precision.INT4)]
    [InlineData("RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w8a8", Precision.INT8)]
    [InlineData("hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4", Precision.INT4)]
    [InlineData("Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4", Precision.INT4)]
    [InlineData("amd/Llama-3.1-70B-Instruct-FP8-KV", Precision.FP8)]
    [InlineData("unsloth/Meta-Llama-3.1-8B-Instruct-bnb-4bit", Precision.INT4)]
    public void A_quantised_checkpoint_keeps_its_format_whatever_the_compute_dtype(string checkpoint, Precision expected)
    {
        // vLLM's --dtype is the type it computes in; the checkpoint's weights stay in the format its name declares.
        foreach (string dtype in new[] { "bfloat16", "auto", "" })
        {
            var notes = new List<string>();
            Assert.Equal(expected, WeightFormat.Of(dtype, checkpoint, Llama8B, notes));
            Assert.Contains("as the checkpoint's name says", Assert.Single(notes), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Auto_runs_an_unquantised_checkpoint_as_released()
    {
        var notes = new List<string>();
        Assert.Equal(Precision.BF16, WeightFormat.Of("auto", "meta-llama/Llama-3.1-8B-Instruct", Llama8B, notes));
        Assert.Equal("weights in 16-bit (dtype auto)", Assert.Single(notes));

        ModelSpec gptOss = SimCatalog.Default.Models.Get("gpt-oss-120b");
        notes.Clear();
        Assert.Equal(Precision.INT4, WeightFormat.Of("auto", "openai/gpt-oss-120b", gptOss, notes));
        Assert.Contains("as the model was released", Assert.Single(notes), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("meta-llama/Llama-3.1-8B-Instruct")]
    [InlineData("Qwen/Qwen2.5-7B-Instruct")]
    [InlineData("microsoft/phi-4")]
    public void A_plain_checkpoint_name_declares_no_format(string checkpoint) => Assert.Null(WeightFormat.FromCheckpointName(checkpoint));

    [Fact]
    public void An_unknown_dtype_is_refused_with_the_accepted_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => WeightFormat.Of("float32", "meta-llama/Llama-3.1-8B-Instruct", Llama8B, []));
        Assert.StartsWith("dtype 'float32' is not one of auto, bfloat16, float16, half", e.Message, StringComparison.Ordinal);
    }
}
