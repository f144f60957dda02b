using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;

namespace ClusterSim.Core.Performance;

/// <summary>
/// How vLLM's OpenAI server schedules when its command line sets nothing, by release (engine/arg_utils.py and
/// config.py of each): the batch limits, whether prompts are chunked, and whether prefixes are cached.
/// </summary>
/// <param name="Kind">How a step is formed: chunked prefill (V1, and V0 for long-context models) or V0's prefill-first steps.</param>
/// <param name="MaxSequences">max_num_seqs.</param>
/// <param name="MaxBatchedTokens">max_num_batched_tokens (with V0's prefill-first steps, the prompts a step takes).</param>
/// <param name="PrefixCaching">Automatic prefix caching: on by default from V1, off in V0.</param>
/// <param name="Note">What differs from the current release's defaults, for a replay's note; null when nothing does.</param>
/// <param name="NoteIsBudget">The note is about the token budget alone (a run that gives its budget needs none).</param>
public readonly record struct VllmServerDefaults(SchedulerKind Kind, int MaxSequences, int MaxBatchedTokens, bool PrefixCaching, string? Note, bool NoteIsBudget = false)
{
    /// <summary>The first release whose engine is V1 by default (VLLM_USE_V1=1): 0.8.0, March 2025.</summary>
    public static readonly EngineRelease FirstV1 = new(0, 8);

    /// <summary>The first release without the V0 engine (its code removed: 0.11.0, October 2025), where VLLM_USE_V1=0 no longer chooses it.</summary>
    public static readonly EngineRelease FirstWithoutV0 = new(0, 11);

    /// <summary>
    /// Whether <paramref name="engineVersion"/> runs vLLM's V0 engine: every release before <see cref="FirstV1"/>, and the
    /// releases after it up to <see cref="FirstWithoutV0"/> started with <c>VLLM_USE_V1=0</c> (<paramref name="useV1"/>
    /// false; null: the release's default).
    /// </summary>
    public static bool RunsV0(string engineVersion, bool? useV1 = null) =>
        useV1 is false || (useV1 is null && EngineRelease.Before(engineVersion, FirstV1));

    /// <summary>
    /// Why VLLM_USE_V1 cannot be given for <paramref name="engine"/> ("vllm" or empty for vLLM) at
    /// <paramref name="engineVersion"/>: only releases that shipped both engines take it. Null when it can; the caller says
    /// what to do (leave it out, or name the release).
    /// </summary>
    public static string? UseV1Refusal(string engine, string engineVersion) =>
        (engine.Length > 0 && !engine.Equals("vllm", StringComparison.OrdinalIgnoreCase))
        || !EngineRelease.TryParse(engineVersion, out EngineRelease release) || !release.AtLeast(FirstV1) || release.AtLeast(FirstWithoutV0)
            ? string.Create(CultureInfo.InvariantCulture,
                $"chooses between vLLM's engines, which releases {FirstV1} to {FirstWithoutV0.Major}.{FirstWithoutV0.Minor - 1} both shipped; the engine is '{(engine.Length > 0 ? engine : "vllm")}' at release '{engineVersion}' (before {FirstV1} vLLM runs V0, from {FirstWithoutV0} V1)")
            : null;

    /// <summary>
    /// The first release that sizes V1's limits by the accelerator's memory (at least 70 GiB, the A100 excepted:
    /// vllm-project/vllm#17885, 9 May 2025); before it V1 took the large limits on H100 and H200 by name (#12369).
    /// </summary>
    public static readonly EngineRelease FirstMemorySizedLimits = new(0, 9);

    /// <summary>The first release whose V1 limits kept 256 sequences off H100 and H200 (vllm-project/vllm#16158, 7 April 2025); 1,024 before it.</summary>
    public static readonly EngineRelease FirstV1SequenceRevert = new(0, 8, 4);

    /// <summary>
    /// The first release that turned chunked prefill on by default in V0 for models longer than 32K tokens
    /// (vllm-project/vllm#6666, merged 23 July 2024, the day 0.5.3 was tagged; taken as 0.5.4).
    /// </summary>
    public static readonly EngineRelease FirstLongContextChunking = new(0, 5, 4);

    /// <summary>The first release whose V0 chunked-prefill budget was 2,048 tokens rather than 512 (vllm-project/vllm#10544, 21 November 2024).</summary>
    public static readonly EngineRelease FirstV0Budget2048 = new(0, 6, 5);

    /// <summary>
    /// The first release with vllm-project/vllm#51726 (merged 10 August 2026, "Update default max_num_batched_tokens from
    /// 8192 to 16384" when GPU memory is enough): the OpenAI server's budget on the large-memory branch (at least 70 GiB,
    /// the A100 excepted) doubled, as ROCm/MAD#235 (26 August 2026: "vLLM now defaults to 16384") saw on MI300-class
    /// GPUs; the small branch kept 2,048. 0.28.0, released 26 August 2026.
    /// </summary>
    public static readonly EngineRelease FirstLargerBudget = new(0, 28);

    /// <summary>V0's context length beyond which chunked prefill was on by default.</summary>
    public const int LongContext = 32_768;

    /// <summary>
    /// <c>SchedulerConfig</c>'s own limits (DEFAULT_MAX_NUM_SEQS, DEFAULT_MAX_NUM_BATCHED_TOKENS), which a V1 engine built
    /// from <c>EngineArgs</c> outside the server and the <c>LLM</c> class keeps: its usage context is in neither of
    /// <c>_set_default_args</c>' tables (read in vllm/engine/arg_utils.py of a 0.11 release and vllm/config/scheduler.py
    /// of 2026; earlier V1 releases are taken to agree).
    /// </summary>
    public const int EngineSequences = 128, EngineBatchedTokens = 2048;

    /// <summary>
    /// The defaults of <paramref name="engineVersion"/> (the current release's when empty or not a release number) on
    /// <paramref name="accelerator"/>, serving up to <paramref name="maxModelLength"/> tokens a sequence;
    /// <paramref name="chunkedPrefill"/> is the server's <c>--enable-chunked-prefill</c> when its command line set it
    /// (V1 always chunks; V0 then takes its chunked budget, or its prefill-first steps). <paramref name="entry"/> is how the
    /// engine was started: V1 sets other limits for the offline <c>LLM</c> class and none for an engine built directly
    /// (V0's are the same for every entry).
    /// </summary>
    public static VllmServerDefaults For(AcceleratorSpec accelerator, string engineVersion, int maxModelLength, bool? chunkedPrefill = null, VllmEntryPoint entry = VllmEntryPoint.Server, bool? useV1 = null)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        bool v0 = RunsV0(engineVersion, useV1);
        if (entry != VllmEntryPoint.Server && !v0)
        {
            return EntryDefaults(accelerator, engineVersion, entry);
        }

        bool large = LargeBranch(accelerator, string.Empty);
        (int sequences, int tokens) = large ? (1024, 8192) : (256, 2048);
        if (!EngineRelease.TryParse(engineVersion, out EngineRelease release) || (!v0 && release.AtLeast(FirstMemorySizedLimits)))
        {
            // From 0.28 a large GPU's server budget is 16,384 (#51726). A row without a release keeps 8,192: the releases
            // most published runs used, and the one the Hopper rows were fitted on (0.15).
            if (!large || !release.AtLeast(FirstLargerBudget))
            {
                return new VllmServerDefaults(SchedulerKind.ChunkedPrefill, sequences, tokens, PrefixCaching: true, Note: null);
            }

            string larger = string.Create(CultureInfo.InvariantCulture, $"vLLM {release}'s token budget on {accelerator.Id}: 16,384 tokens a step (vllm-project/vllm#51726)");
            return new VllmServerDefaults(SchedulerKind.ChunkedPrefill, sequences, 16_384, PrefixCaching: true, larger, NoteIsBudget: true);
        }

        string name = useV1 is false ? $"vLLM {release} with VLLM_USE_V1=0" : $"vLLM {release}";
        if (!v0)
        {
            // V1 before its limits followed the memory: H100 and H200 by name took the large ones.
            bool byName = LargeBranch(accelerator, engineVersion);
            (int oldSequences, int oldTokens) = byName ? (1024, 8192) : (release.AtLeast(FirstV1SequenceRevert) ? 256 : 1024, 2048);
            string? note = (oldSequences, oldTokens) == (sequences, tokens)
                ? null
                : string.Create(CultureInfo.InvariantCulture, $"{name}'s defaults on {accelerator.Id}: {oldSequences:N0} sequences, {oldTokens:N0} tokens a step");
            return new VllmServerDefaults(SchedulerKind.ChunkedPrefill, oldSequences, oldTokens, PrefixCaching: true, note);
        }

        // V0: 256 sequences, no prefix caching; prompts chunked only for long-context models, else whole prompts in
        // prefill-only steps of up to max(max_model_len, 2,048) tokens.
        if (chunkedPrefill ?? (maxModelLength > LongContext && release.AtLeast(FirstLongContextChunking)))
        {
            int budget = release.AtLeast(FirstV0Budget2048) ? 2048 : 512;
            string why = chunkedPrefill is null ? ", as for every model longer than 32K tokens" : string.Empty;
            return new VllmServerDefaults(SchedulerKind.ChunkedPrefill, 256, budget, PrefixCaching: false, string.Create(CultureInfo.InvariantCulture,
                $"{name}'s defaults (V0 engine): chunked prefill{why}, {budget:N0} tokens a step, 256 sequences, no prefix caching"));
        }

        int whole = Math.Max(maxModelLength, 2048);
        return new VllmServerDefaults(SchedulerKind.Continuous, 256, whole, PrefixCaching: false, string.Create(CultureInfo.InvariantCulture,
            $"{name}'s defaults (V0 engine): whole prompts in prefill-only steps of up to {whole:N0} tokens (max_model_len {maxModelLength:N0}), decodes in the others, 256 sequences, no prefix caching"));
    }

    /// <summary>
    /// Whether V1's defaults take their large branch on <paramref name="accelerator"/> under <paramref name="engineVersion"/>:
    /// at least 70 GiB of memory, the A100 excepted (#17885), from 0.9 and for a release not given; H100 and H200 by name
    /// before it (#12369).
    /// </summary>
    private static bool LargeBranch(AcceleratorSpec accelerator, string engineVersion) =>
        EngineRelease.Before(engineVersion, FirstMemorySizedLimits)
            ? accelerator.Id.Contains("H100", StringComparison.OrdinalIgnoreCase) || accelerator.Id.Contains("H200", StringComparison.OrdinalIgnoreCase)
            : accelerator.MemoryGiB >= 70 && !accelerator.Id.StartsWith("A100", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// V1's limits outside the server: the <c>LLM</c> class's budget is 16,384 tokens on the large branch (H100 and H200 by
    /// name before 0.9) and 8,192 elsewhere, its sequences the server's; an engine built directly keeps
    /// <c>SchedulerConfig</c>'s 128 sequences and 2,048 tokens on every accelerator. Always noted: no shipped fit used them.
    /// </summary>
    private static VllmServerDefaults EntryDefaults(AcceleratorSpec accelerator, string engineVersion, VllmEntryPoint entry)
    {
        string name = EngineRelease.TryParse(engineVersion, out EngineRelease release) ? $"vLLM {release}" : "vLLM";
        if (entry == VllmEntryPoint.Engine)
        {
            return new VllmServerDefaults(SchedulerKind.ChunkedPrefill, EngineSequences, EngineBatchedTokens, PrefixCaching: true, string.Create(CultureInfo.InvariantCulture,
                $"{name}'s engine built from EngineArgs (no server, no LLM class): SchedulerConfig's {EngineSequences:N0} sequences and {EngineBatchedTokens:N0} tokens a step"));
        }

        // The server's sequences (V1's do not depend on the context length) and its large branch.
        VllmServerDefaults server = For(accelerator, engineVersion, LongContext);
        int budget = LargeBranch(accelerator, engineVersion) ? 16_384 : 8192;
        return new VllmServerDefaults(SchedulerKind.ChunkedPrefill, server.MaxSequences, budget, PrefixCaching: true, string.Create(CultureInfo.InvariantCulture,
            $"{name}'s LLM class defaults on {accelerator.Id}: {server.MaxSequences:N0} sequences, {budget:N0} tokens a step"));
    }
}
