using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// TensorRT-LLM 0.9.0's static-batch runs from NVIDIA's sizing material (data/published/trtllm-0.9-static-runs.csv): dense
/// Llama 2 and Mistral models on H100, H100 NVL, H200, A100, L40S and L40, FP8 and FP16, batches of 1 to 1,536. Held out.
/// The Mixtral runs used fake weights, whose router sends every token to the same experts (the step barely grows from 1
/// to 16 sequences): the file marks them (collapsed_routing) and they have their own bound.
/// </summary>
public class TrtllmStaticReplayTests
{
    private static readonly ReplayReport Report = ReplayReport.Run(
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "trtllm-0.9-static-runs.csv")), SimCatalog.Default);

    private static IEnumerable<ReplayOutcome> Dense(string chip) =>
        Report.Outcomes.Where(o => !o.Row.Experiment.Contains("mixtral", StringComparison.Ordinal) && o.Case.Deployment.Accelerator.Id == chip);

    [Fact]
    public void Every_run_replays_but_the_H100_NVL_ones_beyond_a_bridged_pair()
    {
        Assert.Equal(1843, Report.Outcomes.Count + Report.Skipped.Count);
        // Bridged pairs of PCIe cards: no network figure for what joins two pairs, so the group is refused, not guessed.
        Assert.All(Report.Skipped, s => Assert.Contains("of H100-NVL's scale-up domains of 2, and the catalog gives no scale-out bandwidth", s.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Requests_the_measured_engine_took_past_the_models_context_are_served_and_the_limit_named()
    {
        // Llama 2's context is 4,096 tokens; the 128-in, 4,096-out batches were built with a longer max_seq_len and ran.
        var longer = Report.Outcomes.Where(o => o.Row.Experiment.Contains("-128-4096-", StringComparison.Ordinal) && o.Case.Deployment.Model.MaxContext == 4096).ToList();
        Assert.NotEmpty(longer);
        Assert.All(longer, o =>
        {
            Assert.Equal(4224, o.Case.Deployment.ContextLimit);
            Assert.Contains("max_model_len 4,224, the longest request the server took", string.Join("; ", o.Case.Corrections), StringComparison.Ordinal);
            Assert.Equal(o.Case.Requests, o.Simulated.Requests);   // every request served, none refused
        });
    }

    [Fact]
    public void Mixtral_with_its_router_collapsed_replays_and_would_not_without()
    {
        // 229 runs; nothing fitted. Measured 14.7 % median E2E on 4 December 2026 (10.9 % before TensorRT-LLM's collectives
        // were fitted on the dense 70B runs: Mixtral's TP 2 steps now decode 6-14 % slow; 16.3 % on 5 December 2026 with
        // them refitted beside the one-shot kernel, whose TP 2 all-reduce takes 23.1 µs where the ring took 22.0), 69.3 %
        // with the router taken as spreading tokens over the experts (a step of 16 sequences would read four times the
        // expert weights it did).
        var mixtral = Report.Outcomes.Where(o => o.Row.Experiment.Contains("mixtral", StringComparison.Ordinal)).ToList();
        Assert.Equal(229, mixtral.Count);
        Assert.All(mixtral, o => Assert.True(o.Case.Deployment.CollapsedRouting));
        Assert.True(ReplayReport.MedianAbsolute(mixtral, o => o.E2eError) < 0.17);

        var spread = mixtral.Select(o => o.Case).Distinct().Select(c => c with { Deployment = c.Deployment with { CollapsedRouting = false } }).ToList();
        Assert.True(ReplayReport.MedianAbsolute(ReplayReport.Run(spread, []).Outcomes, o => o.E2eError) > 0.5);
    }

    [Fact]
    public void A_static_batch_prefills_its_prompts_in_one_step()
    {
        // The benchmark hands the batch to the engine in process (in_process), so all its prompts share the first step and
        // every first token comes when that step ends: measured TTFT grows in proportion to the batch (Llama 2 7B on H100
        // in FP16 at 2,048 tokens: 54.9, 104.8, 207.4, 391.3 ms at 1, 2, 4, 8). The dense 2,048-token batches of 2 to 8 then
        // err as the larger batches do (median signed TTFT error, 5 December 2026: +6.4 % against +8.4 % for 16 to 64);
        // with the first request starting a step alone and the rest waiting for it (an engine behind a front end) they
        // come out -9.4 % (about -10 % before, on the step cost fitted that way), out of line with both neighbours.
        IEnumerable<ReplayOutcome> Prompts2048(int fewest, int most) => Report.Outcomes.Where(o => !o.Row.Experiment.Contains("mixtral", StringComparison.Ordinal)
            && o.Case.PromptTokens == 2048 && o.Case.Concurrency >= fewest && o.Case.Concurrency <= most);
        var small = Prompts2048(2, 8).ToList();
        Assert.Equal(247, small.Count);
        Assert.All(small, o => Assert.True(o.Case.InProcessSubmission));
        double together = Median(small.Select(o => o.TtftError));
        double larger = Median(Prompts2048(16, 64).Select(o => o.TtftError));
        Assert.InRange(together - larger, -0.04, 0.04);

        var served = small.Select(o => o.Case).Distinct().Select(c => c with { InProcessSubmission = false }).ToList();
        double alone = Median(ReplayReport.Run(served, []).Outcomes.Select(o => o.TtftError));
        Assert.True(alone < together - 0.10, $"first request alone: median signed TTFT error {alone:P1} against {together:P1}");
    }

    [Fact]
    public void Small_batches_at_TP_8_all_reduce_one_shot_and_larger_ones_on_the_ring()
    {
        // Llama 2 70B in FP8 at TP 8: a batch of 30 or fewer sends its all-reduces one-shot (under 500 kB), a larger one
        // to NCCL's ring. Timed as the ring throughout, the small batches decoded 15-24 % slow and the larger 4-15 % fast
        // (5 December 2026). H100's are fitted on (the collectives' launch, step and link share), H200's held out.
        foreach (string chip in new[] { "H100-SXM", "H200" })
        {
            IEnumerable<ReplayOutcome> Batches(int fewest, int most) => Report.Outcomes.Where(o => o.Case.Deployment.Accelerator.Id == chip
                && o.Case.Deployment.TensorParallel == 8 && o.Case.Deployment.Weights == Precision.FP8
                && o.Case.Concurrency >= fewest && o.Case.Concurrency <= most);
            Assert.All(Batches(1, 16), o => Assert.True(TensorRtLlmAllReduce.Applies(o.Case.Deployment)));
            double small = Median(Batches(1, 16).Select(o => o.ItlError)), larger = Median(Batches(32, 256).Select(o => o.ItlError));
            Assert.InRange(small, -0.05, 0.05);   // H100 +1.6 %, H200 +1.6 %
            Assert.InRange(larger, -0.05, 0.10);  // H100 +4.9 %, H200 +7.5 %
        }
    }

    [Fact]
    public void Mistral_7B_decodes_a_block_a_query_head_and_its_full_batches_land_held_out()
    {
        // Mistral 7B groups four query heads a KV head, for which 0.9.0 ships no XQA kernel: one block a query head, as
        // many as Llama 2 7B's. Walked a block a KV head, its FP8 batches of 16-64 and of more on H100, H100 NVL and H200
        // decoded 24-32 % and 29-31 % fast; now -3.5 to +3.5 % and -7 to -13 % (5 December 2026; nothing fitted on them).
        foreach (string chip in new[] { "H100-SXM", "H100-NVL", "H200" })
        {
            IEnumerable<ReplayOutcome> Batches(int fewest, int most) => Report.Outcomes.Where(o => o.Row.Experiment.StartsWith("trt09-mistral-7b-", StringComparison.Ordinal)
                && o.Case.Deployment.Accelerator.Id == chip && o.Case.Deployment.Weights == Precision.FP8 && o.Case.Concurrency >= fewest && o.Case.Concurrency <= most);
            Assert.InRange(Median(Batches(16, 64).Select(o => o.ItlError)), -0.08, 0.08);
            Assert.InRange(Median(Batches(65, 4096).Select(o => o.ItlError)), -0.16, 0);
        }
    }

    [Fact]
    public void The_runs_built_without_the_custom_all_reduce_take_NCCLs_ring()
    {
        // The source records the build flag: on for A100, H100 and H200, off on H100 NVL, L40S and L40 (812 rows).
        var nccl = Report.Outcomes.Where(o => !o.Case.Deployment.CustomAllReduce).ToList();
        Assert.Equal(["H100-NVL", "L40", "L40S"], nccl.Select(o => o.Case.Deployment.Accelerator.Id).Distinct().Order());
        Assert.All(nccl, o => Assert.False(TensorRtLlmAllReduce.Applies(o.Case.Deployment)));
        Assert.Contains(Report.Outcomes, o => o.Case.Deployment.Accelerator.Id == "H100-NVL" && o.Case.Deployment.TensorParallel == 2);
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    [Theory]
    [InlineData("H200", 0.08)]        // 6.5 % (8.3 % before TensorRT-LLM's collectives were fitted, 4 December 2026; 18.2 % on the 1.x row)
    [InlineData("L40S", 0.05)]        // 3.1 % with its PCIe collectives fitted (L40S-trtllm/fp8), 4.9 % before, 4 December 2026
    [InlineData("L40", 0.07)]         // 4.7 % on L40S's collectives (held out), 7.5 % before
    [InlineData("A100-80GB", 0.09)]   // 7.1 % (ampere-trtllm/bf16 with the collectives carried; 10.4 % before; 11.4 % on the generic row)
    [InlineData("H100-SXM", 0.06)]    // 4.3 % in FP16 and FP8 together (5.8 % before the collectives were fitted on its 70B FP8 runs)
    [InlineData("H100-NVL", 0.07)]    // 4.8 % at its sustained share 0.84 (4.5 % before the collectives were fitted), 4 December 2026
    public void Dense_models_decode_and_prefill_within_their_bound(string chip, double bound)
    {
        double e2e = ReplayReport.MedianAbsolute(Dense(chip), o => o.E2eError);
        Assert.True(e2e < bound, $"{chip}: median E2E error {e2e:P1}");
    }

    [Fact]
    public void PCIe_cards_collectives_fitted_on_L40S_hold_on_L40()
    {
        // NCCL over PCIe Gen4: 53.7 µs a collective whatever the group (47.5 before decode attention one block a head),
        // fitted on L40S's Llama 2 70B batches at TP 2-8 and carried to L40 (the same fabric). Held out, L40's 111 batches:
        // 6.0 % median E2E (5 December 2026), 12.2 % on the generic row's
        // collectives (2 µs a ring step at half the link), which decoded them 12-20 % fast.
        var l40 = Dense("L40").Where(o => o.Case.Deployment.TensorParallel > 1).ToList();
        Assert.Equal(111, l40.Count);
        Assert.All(l40, o => Assert.Equal("L40-trtllm/fp8", o.Case.Deployment.CalibrationName));
        double carried = ReplayReport.MedianAbsolute(l40, o => o.E2eError);

        EfficiencyFactors generic = SimCatalog.Default.Calibrations.All.Single(c => c.Name == "generic/fp8").Factors;
        var cases = l40.Select(o => o.Case).Distinct().Select(c => c with { Deployment = c.Deployment with { Efficiency = generic } }).ToList();
        double before = ReplayReport.MedianAbsolute(ReplayReport.Run(cases, []).Outcomes, o => o.E2eError);

        Assert.True(carried < 0.08, $"held out with L40S's collectives: median E2E error {carried:P1}");
        Assert.True(before > 0.10, $"on the generic row's collectives: median E2E error {before:P1}");
    }

    [Fact]
    public void The_H100_NVL_share_fitted_on_the_small_models_holds_on_the_runs_it_was_not_fitted_on()
    {
        // The sustained share 0.84 was chosen on the Llama 2 7B and 13B runs; Llama 2 70B (TP 1 and 2) and Mistral 7B are
        // held out. At the datasheet figures (share 1) those decode 7.9 % off in the median (E2E); at 0.84, 6.6 % (6 December
        // 2026, with the LM head read in 16 bits beside the FP8 layers; 9.2 and 6.9 % before it; 11.5 and 6.1 % before
        // decode attention one block a head, whose walk the share slows too; 17 and 6.3 % before TensorRT-LLM's
        // collectives were fitted).
        var heldOut = Dense("H100-NVL").Where(o => !o.Row.Experiment.Contains("llama2-7b", StringComparison.Ordinal)
            && !o.Row.Experiment.Contains("llama2-13b", StringComparison.Ordinal)).ToList();
        Assert.Equal(115, heldOut.Count);
        double sustained = ReplayReport.MedianAbsolute(heldOut, o => o.E2eError);

        var datasheet = heldOut.Select(o => o.Case).Distinct()
            .Select(c => c with { Deployment = c.Deployment with { Accelerator = c.Deployment.Accelerator with { SustainedShare = 1 } } }).ToList();
        ReplayReport atDatasheet = ReplayReport.Run(datasheet, []);
        double full = ReplayReport.MedianAbsolute(atDatasheet.Outcomes, o => o.E2eError);

        Assert.True(sustained < 0.08, $"held out at 0.84: median E2E error {sustained:P1}");
        Assert.True(full > sustained + 0.01, $"held out at the datasheet figures: median E2E error {full:P1} (at 0.84: {sustained:P1})");
    }

    [Fact]
    public void The_2025_FP8_factors_run_the_2024_release_fast_and_its_own_row_does_not()
    {
        // hopper-trtllm/fp8 was fitted on TensorRT-LLM 1.x's overview; 0.9.0 decodes slower on every Hopper part. Its rows
        // name 0.9.0, so they take hopper-trtllm@0.x/fp8 (the step overhead refitted on the 41 Llama 2 7B H100 batches).
        var fp8 = Report.Outcomes.Where(o => !o.Row.Experiment.Contains("mixtral", StringComparison.Ordinal) && o.Case.Deployment.Weights == Precision.FP8
            && o.Case.Deployment.Accelerator.Id is "H100-SXM" or "H200" or "H100-NVL").ToList();
        Assert.All(fp8, o => Assert.Equal("hopper-trtllm@0.x/fp8", o.Case.Calibration.Name));
        Assert.DoesNotContain(fp8, o => o.Case.CalibrationWarning?.Contains("predates", StringComparison.Ordinal) == true);

        EfficiencyFactors current = SimCatalog.Default.Calibrations.All.Single(c => c.Name == "hopper-trtllm/fp8").Factors;
        var cases = fp8.Select(o => o.Case).Distinct().ToList();
        ReplayReport onCurrent = ReplayReport.Run(cases, [], _ => current);
        double Signed(IEnumerable<ReplayOutcome> outcomes, string chip)
        {
            double[] errors = outcomes.Where(o => o.Case.Deployment.Accelerator.Id == chip).Select(o => o.ItlError).Where(double.IsFinite).Order().ToArray();
            return errors[errors.Length / 2];
        }

        foreach (string chip in new[] { "H100-SXM", "H200", "H100-NVL" })
        {
            // Measured on 2 December 2026 (median signed ITL error, dense models): on the 1.x row -14.6 %, -19.0 %, -24.8 %; on
            // the 0.x row -6.1 %, -8.9 %, -16.0 % (H100, H200, H100 NVL).
            Assert.True(Signed(onCurrent.Outcomes, chip) < -0.05, $"{chip}: median ITL error on the 1.x row {Signed(onCurrent.Outcomes, chip):P1}");
            Assert.True(Math.Abs(Signed(fp8, chip)) < Math.Abs(Signed(onCurrent.Outcomes, chip)), $"{chip}: {Signed(fp8, chip):P1} on its own row");
        }
    }
}
