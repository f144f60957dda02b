using ClusterSim.Core.Inference;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Calibration;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// 787 GenAI-Perf runs of NIM for LLMs on its TensorRT-LLM backend (mid-2024) published with NVIDIA's sizing material
/// (data/published/nim-genai-perf-runs.csv): Llama 3 8B and 70B on A100 and H100, TP 1 to 8, FP16, BF16 and FP8, closed
/// loops of 1 to 250 users. Held out. Out of the box the TensorRT-LLM factors (fitted on offline benchmarks of 2025
/// releases) are optimistic for this served stack; its CPU-side costs, fitted on one configuration, carry to others.
/// </summary>
public class NimReplayTests
{
    private static readonly IReadOnlyList<MeasuredRun> Runs = MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "nim-genai-perf-runs.csv"));

    /// <summary>Llama 3 8B, one H100, FP16, at 1, 10, 50 and 150 users: the 24 runs the served stack's overheads are fitted on.</summary>
    private static bool Fit(MeasuredRun r) =>
        r.Experiment.StartsWith("nim-llama3-8b-h100-tp1-fp16-", StringComparison.Ordinal) && r.Experiment.Split('-')[^1] is "c1" or "c10" or "c50" or "c150";

    private static IReadOnlyList<ReplayCase> Cases(Func<MeasuredRun, bool> keep)
    {
        var (cases, skipped) = ReplayCase.Build(Runs.Where(keep).ToList(), SimCatalog.Default);
        Assert.Empty(skipped);
        return cases;
    }

    private static double ThroughputError(ReplayReport report) => ReplayReport.MedianAbsolute(report.Outcomes, o => o.ThroughputError);

    private static double E2eError(ReplayReport report) => ReplayReport.MedianAbsolute(report.Outcomes, o => o.E2eError);

    [Fact]
    public void Every_run_replays_on_TensorRT_LLM_with_its_defaults()
    {
        Assert.Equal(787, Runs.Count);
        IReadOnlyList<ReplayCase> h100 = Cases(r => r.Experiment.Contains("-h100-tp1-fp16-", StringComparison.Ordinal));
        Assert.All(h100, c => Assert.Equal((ServingEngine.TensorRtLlm, 2048, 8192), (c.Deployment.Engine, c.Scheduler.MaxSequences, c.Scheduler.MaxBatchedTokens)));
    }

    [Fact]
    public void The_served_stacks_overheads_fitted_on_one_configuration_carry_to_other_tensor_parallel_sizes_and_models()
    {
        IReadOnlyList<ReplayCase> fit = Cases(Fit);
        Assert.Equal(24, fit.Count);
        CalibrationFit calibration = Calibrator.Fit(fit, fit[0].Deployment.Efficiency, FitParameter.Parse("step_overhead_ms,sequence_overhead_us,request_overhead_ms"), maxEvaluations: 300);

        // Measured on 2 December 2026: 1.95 ms a step, 36 µs a sequence a step, a 2.9 ms front end (the GPU's factors kept:
        // hopper-trtllm/bf16's, fitted on TensorRT-LLM 0.12.0's overview; 2.06 ms, 43 µs and 4.4 ms on the generic row before it).
        Assert.InRange(calibration.Factors.IterationOverheadSeconds, 1.5e-3, 2.6e-3);
        Assert.InRange(calibration.Factors.SequenceOverheadSeconds, 30e-6, 55e-6);

        // Measured 4 December 2026, after TensorRT-LLM's collectives were fitted (a 20 µs launch an all-reduce, 0.345 of
        // the link): out of the box 13.6, 8.2 and 10.9 % E2E, calibrated 12.4, 3.7 and 4.6 % (before that fit, out of the
        // box 19-27 %, calibrated 8-12 %). On 5 December 2026, with the collectives refitted beside the 0.x releases'
        // one-shot kernel (2.04 µs a ring step, which NIM, naming no release, pays on the ring), Llama 3 8B at TP 2 comes
        // out of the box at 13.7 % in throughput and calibrates to 12.7 %: closer, not by a quarter as the 70B groups do; Llama 3
        // 70B at TP 8 calibrates to 7.3 % E2E (the ring's fourteen steps cost 50 µs an all-reduce where they cost 37).
        foreach (var (group, before, after, throughputShare) in new[] { ("-8b-h100-tp2-fp16-", 0.12, 0.14, 1.0), ("-70b-h100-tp4-fp16-", 0.07, 0.06, 0.75), ("-70b-h100-tp8-fp16-", 0.09, 0.08, 0.75) })
        {
            IReadOnlyList<ReplayCase> held = Cases(r => r.Experiment.Contains(group, StringComparison.Ordinal));
            ReplayReport outOfTheBox = ReplayReport.Run(held, []);
            ReplayReport calibrated = ReplayReport.Run(held, [], _ => calibration.Factors);
            // Out of the box: vLLM's overheads (hopper-trtllm/bf16 carries them), short in the median; calibrated closer.
            Assert.True(E2eError(outOfTheBox) > before, $"{group}: out of the box {E2eError(outOfTheBox):P1}");
            Assert.True(E2eError(calibrated) < after, $"{group}: calibrated {E2eError(calibrated):P1}");
            Assert.True(ThroughputError(calibrated) < ThroughputError(outOfTheBox) * throughputShare, $"{group}: throughput {ThroughputError(calibrated):P1} against {ThroughputError(outOfTheBox):P1}");
        }
    }

    [Fact]
    public void A_release_before_0_11_prefills_each_wave_of_prompts_in_one_step()
    {
        // Under load 2,000-token prompts wait 1.4-2.1x what an 8,192-token budget gives (446 against 360 ms at 10 users,
        // 904 against 422 at 25): each closed-loop wave's prompts went into one context step, as a pre-0.11 engine's unset
        // max_num_tokens allows. The export names no release, so the shipped replay keeps 1.x's 8,192; named as 0.10.0,
        // TTFT comes out closer in every one of these runs (at 50 users, 100,000 prompt tokens in one step overshoot:
        // NIM's engines had a budget of their own, below).
        static bool Waves(MeasuredRun r) =>
            r.Experiment.StartsWith("nim-llama3-8b-h100-tp1-fp16-2000-", StringComparison.Ordinal) && r.Experiment.Split('-')[^1] is "c10" or "c25";
        List<MeasuredRun> rows = Runs.Where(Waves).ToList();
        Assert.Equal(4, rows.Count);
        var (current, _) = ReplayCase.Build(rows, SimCatalog.Default);
        var (legacy, skipped) = ReplayCase.Build(rows.Select(r => r with { EngineVersion = "0.10.0" }).ToList(), SimCatalog.Default);
        Assert.Empty(skipped);
        Assert.All(legacy, c => Assert.Equal(SchedulerOptions.TensorRtLlmMaxNumTokensFor("0.10.0"), c.Scheduler.MaxBatchedTokens));

        IReadOnlyList<ReplayOutcome> before = ReplayReport.Run(current, []).Outcomes, after = ReplayReport.Run(legacy, []).Outcomes;
        for (int i = 0; i < before.Count; i++)
        {
            Assert.True(Math.Abs(after[i].TtftError) < Math.Abs(before[i].TtftError), $"{rows[i].Experiment}: TTFT error {after[i].TtftError:P1} against {before[i].TtftError:P1}");
        }

        // Measured on 2 December 2026 (out of the box): median |TTFT error| 41 % with the 8,192-token budget, 23 % with none.
        Assert.True(ReplayReport.MedianAbsolute(after, o => o.TtftError) < 0.7 * ReplayReport.MedianAbsolute(before, o => o.TtftError));
    }

    [Fact]
    public void No_budget_overshoots_fifty_users_of_7000_token_prompts()
    {
        // 50 waiting 7,000-token prompts are 350,000 tokens: with no budget at all they share one step and wait far longer
        // than measured (1,848 ms), so NIM's engines were built with a budget of their own (the 787 runs fit 32,768 best
        // of those tried; docs/calibration.md). The release default is what trtllm-build did, not what NIM shipped.
        MeasuredRun row = Runs.Single(r => r.Experiment == "nim-llama3-8b-h100-tp1-fp16-7000-1000-c50") with { EngineVersion = "0.10.0" };
        var (cases, _) = ReplayCase.Build([row], SimCatalog.Default);
        ReplayOutcome outcome = Assert.Single(ReplayReport.Run(cases, []).Outcomes);
        Assert.True(outcome.TtftError > 1.0, $"TTFT error {outcome.TtftError:P1}");
    }
}
