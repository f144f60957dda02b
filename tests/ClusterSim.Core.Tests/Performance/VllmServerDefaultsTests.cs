using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// vLLM's server defaults by release, as each release's engine/arg_utils.py and config.py set them: V1's limits by the
/// accelerator's memory from 0.9, by H100/H200 in name before it; V0's prefill-first steps of max(max_model_len, 2,048)
/// tokens, or chunked prefill of 512 (2,048 from 0.6.5) tokens for models longer than 32K from 0.5.4.
/// </summary>
public class VllmServerDefaultsTests
{
    private static AcceleratorSpec Chip(string id) => SimCatalog.Default.Hardware.Get(id);

    [Theory]
    [InlineData("H100-SXM", "", 1024, 8192)]
    [InlineData("H100-SXM", "0.9.0", 1024, 8192)]
    [InlineData("MI300X", "0.19.1", 1024, 8192)]
    [InlineData("A100-80GB", "", 256, 2048)]
    [InlineData("L4", "0.23.0", 256, 2048)]
    [InlineData("H100-SXM", "not a release", 1024, 8192)]
    public void Current_releases_size_the_limits_by_memory_and_chunk_with_prefix_caching(string chip, string version, int sequences, int tokens)
    {
        VllmServerDefaults d = VllmServerDefaults.For(Chip(chip), version, 131_072);

        Assert.Equal((SchedulerKind.ChunkedPrefill, sequences, tokens, true), (d.Kind, d.MaxSequences, d.MaxBatchedTokens, d.PrefixCaching));
        Assert.Null(d.Note);
    }

    [Theory]
    [InlineData("H100-SXM", 16_384)]
    [InlineData("MI300X", 16_384)]     // ROCm/MAD#235: "vLLM now defaults to 16384"
    [InlineData("A100-80GB", 2048)]    // the A100 stays on the small branch (#17885)
    [InlineData("L4", 2048)]
    public void From_0_28_a_large_GPUs_server_budget_is_16384(string chip, int tokens)
    {
        // vllm-project/vllm#51726 doubled the OpenAI server's budget on the large-memory branch; the sequences stay.
        VllmServerDefaults d = VllmServerDefaults.For(Chip(chip), "0.28.0", 131_072);

        Assert.Equal(tokens, d.MaxBatchedTokens);
        Assert.Equal(tokens == 16_384 ? 1024 : 256, d.MaxSequences);
        if (tokens == 16_384)
        {
            Assert.Equal($"vLLM 0.28's token budget on {chip}: 16,384 tokens a step (vllm-project/vllm#51726)", d.Note);
            Assert.True(d.NoteIsBudget);
        }
        else
        {
            Assert.Null(d.Note);
        }
    }

    [Fact]
    public void Before_0_28_and_without_a_release_a_large_GPUs_budget_stays_8192()
    {
        Assert.Equal(8192, VllmServerDefaults.For(Chip("H100-SXM"), "0.27.1", 131_072).MaxBatchedTokens);
        Assert.Null(VllmServerDefaults.For(Chip("H100-SXM"), "0.27.1", 131_072).Note);
        Assert.Equal(8192, VllmServerDefaults.For(Chip("H100-SXM"), string.Empty, 131_072).MaxBatchedTokens);
        Assert.Equal(16_384, VllmServerDefaults.For(Chip("H100-SXM"), "v0.29.1", 131_072).MaxBatchedTokens);
    }

    [Theory]
    [InlineData("H100-SXM", "0.8.2", 1024, 8192, false)]     // H100 and H200 by name: as today
    [InlineData("GH200", "0.8.5", 1024, 8192, false)]
    [InlineData("A100-80GB", "0.8.2", 1024, 2048, true)]     // V1's first 1,024 sequences everywhere
    [InlineData("A100-80GB", "0.8.4", 256, 2048, false)]     // #16158 took other GPUs back to 256: as today
    [InlineData("MI300X", "0.8.4", 256, 2048, true)]         // not yet sized by memory
    [InlineData("B200", "0.8.5", 256, 2048, true)]
    public void Early_V1_releases_took_the_large_limits_on_H100_and_H200_by_name(string chip, string version, int sequences, int tokens, bool differs)
    {
        VllmServerDefaults d = VllmServerDefaults.For(Chip(chip), version, 131_072);

        Assert.Equal((SchedulerKind.ChunkedPrefill, sequences, tokens, true), (d.Kind, d.MaxSequences, d.MaxBatchedTokens, d.PrefixCaching));
        Assert.Equal(differs, d.Note is not null);
        if (differs)
        {
            Assert.StartsWith($"vLLM {version}'s defaults on {chip}:", d.Note, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("0.4.2", 4_096, null, SchedulerKind.Continuous, 4_096)]
    [InlineData("0.6.3", 1_024, null, SchedulerKind.Continuous, 2_048)]       // max(max_model_len, 2,048)
    [InlineData("0.6.3", 32_768, null, SchedulerKind.Continuous, 32_768)]     // 32K itself is not "longer than 32K"
    [InlineData("0.5.3", 131_072, null, SchedulerKind.Continuous, 131_072)]   // before long-context chunking
    [InlineData("0.5.4", 131_072, null, SchedulerKind.ChunkedPrefill, 512)]
    [InlineData("0.6.4", 131_072, null, SchedulerKind.ChunkedPrefill, 512)]
    [InlineData("0.6.5", 131_072, null, SchedulerKind.ChunkedPrefill, 2_048)]
    [InlineData("0.7.3", 131_072, null, SchedulerKind.ChunkedPrefill, 2_048)]
    [InlineData("0.4.2", 4_096, true, SchedulerKind.ChunkedPrefill, 512)]      // --enable-chunked-prefill
    [InlineData("0.7.3", 131_072, false, SchedulerKind.Continuous, 131_072)]  // --enable-chunked-prefill=False
    public void V0_releases_prefill_whole_prompts_first_unless_the_model_is_long(string version, int maxModelLength, bool? chunked, SchedulerKind kind, int tokens)
    {
        VllmServerDefaults d = VllmServerDefaults.For(Chip("H100-SXM"), version, maxModelLength, chunked);

        Assert.Equal((kind, 256, tokens, false), (d.Kind, d.MaxSequences, d.MaxBatchedTokens, d.PrefixCaching));
        Assert.Contains($"vLLM {version}'s defaults (V0 engine)", d.Note, StringComparison.Ordinal);
        Assert.Equal(kind == SchedulerKind.ChunkedPrefill && chunked is null, d.Note!.Contains("longer than 32K", StringComparison.Ordinal));
    }

    [Fact]
    public void V1_chunks_whatever_the_context_length()
    {
        VllmServerDefaults d = VllmServerDefaults.For(Chip("H100-SXM"), "0.8.0", 4_096);

        Assert.Equal(SchedulerKind.ChunkedPrefill, d.Kind);
        Assert.True(d.PrefixCaching);
    }

    [Theory]
    [InlineData("H100-SXM", "0.20.1")]
    [InlineData("A100-80GB", "0.20.1")]
    [InlineData("L4", "0.11.0")]
    [InlineData("MI300X", "")]
    public void A_V1_engine_built_outside_the_server_and_the_LLM_class_keeps_SchedulerConfigs_128_sequences_and_2048_tokens(string chip, string version)
    {
        // AsyncLLMEngine.from_engine_args: its usage context is in neither of _set_default_args' tables, whatever the GPU.
        VllmServerDefaults d = VllmServerDefaults.For(Chip(chip), version, 4096, entry: VllmEntryPoint.Engine);

        Assert.Equal((SchedulerKind.ChunkedPrefill, 128, 2048, true), (d.Kind, d.MaxSequences, d.MaxBatchedTokens, d.PrefixCaching));
        Assert.Contains("SchedulerConfig's 128 sequences and 2,048 tokens a step", d.Note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("H100-SXM", "0.20.1", 1024, 16_384)]
    [InlineData("MI300X", "0.11.0", 1024, 16_384)]
    [InlineData("A100-80GB", "0.20.1", 256, 8192)]   // the A100 on the small branch, as the server
    [InlineData("L4", "0.23.0", 256, 8192)]
    [InlineData("H100-SXM", "0.8.2", 1024, 16_384)]  // before 0.9 the large branch by name
    [InlineData("MI300X", "0.8.5", 256, 8192)]
    public void The_offline_LLM_class_takes_a_larger_token_budget_and_the_servers_sequences(string chip, string version, int sequences, int tokens)
    {
        VllmServerDefaults d = VllmServerDefaults.For(Chip(chip), version, 4096, entry: VllmEntryPoint.OfflineLlm);

        Assert.Equal((sequences, tokens), (d.MaxSequences, d.MaxBatchedTokens));
        Assert.Equal(VllmServerDefaults.For(Chip(chip), version, 4096).MaxSequences, d.MaxSequences);
        Assert.Contains("LLM class defaults", d.Note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(VllmEntryPoint.Engine)]
    [InlineData(VllmEntryPoint.OfflineLlm)]
    public void V0_takes_the_same_limits_however_it_was_started(VllmEntryPoint entry)
    {
        // 0.7's EngineArgs.__post_init__ set 256 sequences for every usage context; V0 had no usage-context tables.
        Assert.Equal(VllmServerDefaults.For(Chip("H100-SXM"), "0.7.3", 4096), VllmServerDefaults.For(Chip("H100-SXM"), "0.7.3", 4096, entry: entry));
    }

    [Theory]
    [InlineData("0.9.0", false, true)]
    [InlineData("0.10.1", false, true)]
    [InlineData("0.9.0", null, false)]
    [InlineData("0.9.0", true, false)]
    [InlineData("0.7.3", null, true)]
    public void VLLM_USE_V1_0_chooses_V0_and_its_defaults_on_a_release_that_defaults_to_V1(string version, bool? useV1, bool v0)
    {
        Assert.Equal(v0, VllmServerDefaults.RunsV0(version, useV1));
        VllmServerDefaults d = VllmServerDefaults.For(Chip("H100-SXM"), version, 512, chunkedPrefill: false, useV1: useV1);

        // V0 with chunked prefill off prefills whole prompts first, 256 sequences, no prefix caching; V1 chunks beside the decodes.
        Assert.Equal(v0 ? (SchedulerKind.Continuous, 256, false) : (SchedulerKind.ChunkedPrefill, 1024, true), (d.Kind, d.MaxSequences, d.PrefixCaching));
        Assert.Equal(v0 && useV1 is false, d.Note?.Contains("with VLLM_USE_V1=0", StringComparison.Ordinal) ?? false);
    }
}
