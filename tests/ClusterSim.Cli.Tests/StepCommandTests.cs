namespace ClusterSim.Cli.Tests;

[Collection("console")]
public class StepCommandTests
{
    [Fact]
    public void Prints_one_row_per_shape_with_the_calibration_on_standard_error()
    {
        (int code, string output, string error) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--prompt", "0,512", "--decode", "1,64", "--format", "csv");

        Assert.Equal(0, code);
        string[] lines = output.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal("prompt tokens,decoders,context,dense GEMM,expert GEMM,attention,collectives,overhead,sampler,total ms,bound,tokens/s", lines[0]);
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("0,1,1024,", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(",memory," + lines[1].Split(',')[^1], lines[1], StringComparison.Ordinal);
        Assert.StartsWith("512,64,1024,", lines[4], StringComparison.Ordinal);
        Assert.Contains("calibration hopper-vllm/bf16", error, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Shapes_no_server_would_run_are_timed_and_warned_and_a_value_given_twice_is_one_row()
    {
        (int code, string output, string error) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--decode", "1,1,8", "--context", "200000", "--format", "csv");
        (_, _, string fits) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--decode", "1,8", "--format", "csv");

        Assert.Equal(0, code);
        Assert.Equal(3, output.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n').Length);   // the header, one decoder, eight
        Assert.Contains("warning: a context of 200,000 tokens is longer than llama-3.1-8b's context of 131,072: a server refuses such a sequence", error, StringComparison.Ordinal);
        Assert.Contains("warning: the KV cache holds 2 sequences of 200,000 tokens, so the rows with more decoders (up to 8) never run at once", error, StringComparison.Ordinal);
        Assert.DoesNotContain("warning:", fits, StringComparison.Ordinal);

        // Llama 3.1 70B in BF16 on two H100s: vLLM's start-up check refuses its full context there.
        (_, _, string tight) = CommandRunner.Run("step", "llama-3.1-70b", "H100", "--tp", "2", "--decode", "1", "--format", "csv");
        Assert.Contains("warning: vLLM does not start llama-3.1-70b here at max_model_len 131,072 (the model's context): one sequence of it needs more than the KV cache's 12,640 tokens", tight, StringComparison.Ordinal);

        // Started with a limit that fits, it starts; a context past that limit is refused; a limit below 1 is an error.
        (int started, _, string limited) = CommandRunner.Run("step", "llama-3.1-70b", "H100", "--tp", "2", "--decode", "1", "--context", "16000", "--max-model-len", "12000", "--format", "csv");
        Assert.Equal(0, started);
        Assert.DoesNotContain("does not start", limited, StringComparison.Ordinal);
        Assert.Contains("warning: a context of 16,000 tokens is longer than the server's max_model_len of 12,000: a server refuses such a sequence", limited, StringComparison.Ordinal);
        (int wrong, _, string refused) = CommandRunner.Run("step", "llama-3.1-70b", "H100", "--max-model-len", "0");
        Assert.Equal(2, wrong);
        Assert.Contains("error: --max-model-len: expected a whole number of tokens ≥ 1, got 0", refused, StringComparison.Ordinal);
    }

    [Fact]
    public void Top_p_sampling_shows_the_samplers_sort_and_model_default_reads_the_checkpoint()
    {
        (int code, string output, string error) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--decode", "64", "--sampling", "top-p", "--format", "csv");
        (_, string instruct, _) = CommandRunner.Run("step", "meta-llama/Llama-3.1-8B-Instruct", "H100", "--decode", "64", "--sampling", "model-default", "--format", "csv");
        (_, string plain, _) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--decode", "64", "--format", "csv");

        Assert.Equal(0, code);
        string[] row = output.ReplaceLineEndings("\n").Split('\n')[1].Split(',');
        Assert.InRange(double.Parse(row[8], System.Globalization.CultureInfo.InvariantCulture), 1.0, 2.0);   // 64 sorts of 128,256 logits: some 1.5 ms
        Assert.Equal(output, instruct);
        Assert.Contains("note: no --engine-version, so vLLM's sampler ranks the vocabulary as releases before 0.22 do", error, StringComparison.Ordinal);
        Assert.Equal("0.000", plain.ReplaceLineEndings("\n").Split('\n')[1].Split(',')[8]);
    }

    [Fact]
    public void The_sampler_kernel_option_and_sglang_take_the_sort_free_share_and_a_wrong_kernel_exits_2()
    {
        static double Sampler(string output) => double.Parse(output.ReplaceLineEndings("\n").Split('\n')[1].Split(',')[8], System.Globalization.CultureInfo.InvariantCulture);
        (_, string ranking, _) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--decode", "128", "--sampling", "top-p", "--format", "csv");
        (int code, string flashinfer, _) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--decode", "128", "--sampling", "top-p", "--sampler-kernel", "flashinfer", "--format", "csv");
        (_, string sglang, _) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--decode", "128", "--sampling", "top-p", "--engine", "sglang", "--format", "csv");
        (_, string release, _) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--decode", "128", "--sampling", "top-p", "--engine-version", "0.22.1", "--format", "csv");
        (int wrong, string table, string error) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--sampler-kernel", "bitonic");
        (int badRelease, _, string releaseError) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--engine-version", "banana");

        Assert.Equal(0, code);
        Assert.Equal(Sampler(ranking) * Core.Performance.SamplerKernels.SortFreeShare, Sampler(flashinfer), 2);
        Assert.Equal(Sampler(flashinfer), Sampler(sglang));
        Assert.Equal(Sampler(flashinfer), Sampler(release));   // vLLM 0.22 samples with FlashInfer by default
        Assert.Equal(2, badRelease);
        Assert.Contains("--engine-version: expected a release number", releaseError, StringComparison.Ordinal);
        Assert.Equal(2, wrong);
        Assert.Empty(table);
        Assert.Contains("--sampler-kernel: expected one of ranking, flashinfer, got 'bitonic'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void SGLang_sizes_its_KV_cache_with_its_own_memory_reserve()
    {
        (int code, _, string sglang) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--engine", "sglang", "--decode", "1", "--format", "csv");
        (_, _, string vllm) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--decode", "1", "--format", "csv");

        Assert.Equal(0, code);
        Assert.Contains("SGLang keeps 16.5 % of memory back for activations and CUDA graphs", sglang, StringComparison.Ordinal);
        Assert.Contains("vLLM's start-up profile", vllm, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_default_sampling_of_an_unrecorded_checkpoint_exits_2_naming_the_recorded_ones()
    {
        (int code, _, string error) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--sampling", "model-default");

        Assert.Equal(2, code);
        Assert.Contains("--sampling: model-default needs a checkpoint", error, StringComparison.Ordinal);
        Assert.Contains("clustersim catalog sampling", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_option_exits_2_with_one_line_and_no_table()
    {
        (int code, string output, string error) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--weights", "fp12");

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Equal("error: --weights: expected one of bf16, fp8, int8, int4, fp4, got 'fp12'", error.Trim());
    }

    [Fact]
    public void A_calibration_file_replaces_the_rows_it_names_and_a_missing_one_is_named()
    {
        string file = Path.Combine(Path.GetTempPath(), $"step-calibration-{Guid.NewGuid():N}.csv");
        string shipped = ClusterSim.Core.Catalog.SimCatalog.ShippedText("calibration.csv");
        string header = shipped[..shipped.IndexOf('\n', StringComparison.Ordinal)];
        // The hopper-vllm/bf16 row with twice the per-step overhead (2.4138 ms): only the overhead column moves.
        string row = shipped.Split('\n').Single(l => l.StartsWith("hopper-vllm,bf16,", StringComparison.Ordinal)).Replace(",1.2069,", ",2.4138,", StringComparison.Ordinal);
        File.WriteAllText(file, header + "\n" + row + "\n");
        try
        {
            (int code, string output, _) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--decode", "1", "--format", "csv", "--calibration", file);
            (_, string shippedOutput, _) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--decode", "1", "--format", "csv");
            Assert.Equal(0, code);
            double Overhead(string csv) => double.Parse(csv.ReplaceLineEndings("\n").Split('\n')[1].Split(',')[7], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(Overhead(shippedOutput) + 1.207, Overhead(output), 3);
        }
        finally
        {
            File.Delete(file);
        }

        (int missing, _, string error) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--calibration", "/no/such/calibration.csv");
        Assert.Equal(2, missing);
        Assert.StartsWith("error: --calibration /no/such/calibration.csv: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Speculative_decoding_adds_a_draft_column_and_says_what_a_step_keeps()
    {
        (int code, string output, string error) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--decode", "1,64", "--speculative", "eagle:3:0.6", "--format", "csv");
        (int bad, string none, string badError) = CommandRunner.Run("step", "llama-3.1-8b", "H100", "--speculative", "eagle:3:2");

        Assert.Equal(0, code);
        string[] lines = output.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal("prompt tokens,decoders,context,dense GEMM,expert GEMM,attention,collectives,overhead,sampler,draft,total ms,bound,tokens/s", lines[0]);
        Assert.True(double.Parse(lines[1].Split(',')[9], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Contains("speculative: 3 tokens drafted a step at acceptance 0.6: each decoder emits 2.176 tokens a step in expectation", error, StringComparison.Ordinal);
        Assert.Equal(2, bad);
        Assert.Empty(none);
        Assert.StartsWith("error: --speculative: acceptance '2' is not a probability in [0, 1]", badError, StringComparison.Ordinal);
    }
}
