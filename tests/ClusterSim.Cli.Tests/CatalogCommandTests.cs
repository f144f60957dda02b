namespace ClusterSim.Cli.Tests;

/// <summary>Runs commands in process with standard output captured, so alone.</summary>
[CollectionDefinition("console", DisableParallelization = true)]
public sealed class ConsoleCollection;

[Collection("console")]
public class CatalogCommandTests
{
    private static (int Code, string Output) Run(params string[] args)
    {
        (int code, string output, _) = CommandRunner.Run(args);
        return (code, output);
    }

    [Fact]
    public void Calibrations_list_serving_and_training_rows_with_what_they_were_fitted_on()
    {
        string[] lines = CsvLines("calibrations");
        Assert.Equal("id,use,precision,compute / matmul,kernel us,expert W½,expert share,memory,sampler cycles/entry,link,collective us (launch + ring step),fitted on,release,source", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("cdna3-sglang,serving,fp8,", StringComparison.Ordinal) && l.Contains("/all,0.5.12,", StringComparison.Ordinal));   // the release its runs ran
        Assert.Contains(lines, l => l.StartsWith("hopper-megatron,training,fp8 with block scaling,0.3425,", StringComparison.Ordinal) && l.Contains("DeepSeek-V3", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("hopper-megatron,training,fp8 with per-tensor scaling,0.6367,", StringComparison.Ordinal) && l.Contains("Megatron-Bridge", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("blackwell-megatron,training,fp4,0.3821,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("edge-mlc,serving,bf16,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("hopper-vllm,serving,bf16,0.736,4,428,0.311,0.863,48.3,", StringComparison.Ordinal));   // the sampler's SM cycles an entry
        Assert.Contains(lines, l => l.StartsWith("hopper-trtllm,serving,fp8,0.51,0,-,-,0.863,-,0.5,0 + 6,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("hopper-trtllm@0.x,serving,fp8,0.51,4,-,-,0.863,-,0.381,21 + 2.04,", StringComparison.Ordinal));   // a collective's launch beside its ring steps
        Assert.Contains(lines, l => l.StartsWith("hopper-megatron,training,fp8 with block scaling,0.3425,-,-,-,0.7661,-,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("trillium-maxtext,training,bf16,0.7622,-,-,0.6366,0.7661,-,", StringComparison.Ordinal));   // the routed experts' share
    }

    [Fact]
    public void Sampling_lists_each_checkpoints_default_with_its_model_and_source()
    {
        string[] lines = CsvLines("sampling");
        Assert.Equal("checkpoint,model,sampling,settings,source", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("meta-llama/Llama-3.1-8B-Instruct,llama-3.1-8b,top-p/top-k,\"temperature 0.6, top_p 0.9\",", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("mistralai/Mixtral-8x7B-v0.1,mixtral-8x7b,temperature,no sampling parameters,", StringComparison.Ordinal));
    }

    [Fact]
    public void Hardware_lists_the_SMs_clock_where_the_catalog_has_it()
    {
        string[] lines = CsvLines("hardware");
        Assert.Equal("id,vendor,kind,BF16 TF,FP8 TF,INT8 TOPS,mem GB,mem TB/s,SMs x GHz,sustained,scale-up GB/s,scale-up domain,TDP W,$/h,source", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("H100-SXM,NVIDIA,training-gpu,989,1979,1979,80,3.35,261.4,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("MI300X,AMD,training-gpu,1307.4,2614.9,2614.9,192,5.3,-,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("H100-NVL,NVIDIA,training-gpu,835.5,1670.5,1670.5,94,3.9,235.6,0.84,", StringComparison.Ordinal));
    }

    /// <summary>The lines of <c>catalog NAME --format csv</c>, which must exit 0.</summary>
    private static string[] CsvLines(string catalog)
    {
        (int code, string csv) = Run("catalog", catalog, "--format", "csv");
        Assert.Equal(0, code);
        return csv.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
    }

    [Fact]
    public void A_model_is_found_by_grep_in_plain_output()
    {
        (int code, string csv) = Run("catalog", "models", "--format", "csv");
        Assert.Equal(0, code);
        Assert.Contains(csv.Split('\n'), l => l.StartsWith("mixtral-8x7b,32,4096,32/8,8+0 (2),-,", StringComparison.Ordinal));
        Assert.Contains(csv.Split('\n'), l => l.StartsWith("gemma-3-27b,62,5376,32/16,-,1024 (52),", StringComparison.Ordinal));
    }
}
