using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Calibration;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// BLIS's other vLLM runs on H100 (and one on A100), none of them in the calibration set: Mixtral 8x7B and 8x22B,
/// Qwen3-14B, Llama 3.1 8B under six server settings, and the Llama 2 70B and CodeLlama 34B workloads the set lacks
/// (data/published/blis-heldout-runs.csv). Only the sampler's bytes an entry was fitted on any of them, on the Llama 3.1
/// 8B rows; every other factor is the calibration set's. Beside them the study's eleven "-lite" runs, whose loads were never
/// published (on H100, four on A100 and two on L40S): they replay with the lite profiles' rates, general-lite's fitted on
/// them and the calibration file's four (<see cref="ProfileTests"/>). Bounds sit a little
/// outside today's errors, so a change that moves them shows.
/// </summary>
public class BlisHeldOutReplayTests
{
    private static readonly IReadOnlyList<MeasuredRun> Runs =
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "blis-heldout-runs.csv"));

    private static readonly ReplayReport Report = ReplayReport.Run(Runs, SimCatalog.Default);

    private static IEnumerable<ReplayOutcome> Scored(Func<ReplayOutcome, bool> which) => Report.Scored.Where(which);

    private static bool Saturated(ReplayOutcome o) => o.Row.TtftMs > 1000;

    private static bool Lite(ReplayOutcome o) => Lite(o.Row);

    private static bool Lite(MeasuredRun r) => r.Workload.EndsWith("-lite", StringComparison.Ordinal);

    [Fact]
    public void Every_run_replays()
    {
        Assert.Equal(109, Runs.Count);
        Assert.Equal(31, Runs.Count(Lite));
        Assert.Empty(Report.Skipped);
    }

    /// <summary>
    /// Over the scored rows whose load was published and that are not overloaded (mean TTFT under a second): median E2E
    /// 1.8 %, ITL 1.9 % (before the sampler term 4.6 % and 4.6 %).
    /// </summary>
    [Fact]
    public void Unsaturated_runs_are_within_3_percent_in_the_median()
    {
        var rows = Scored(o => !Saturated(o) && !Lite(o)).ToList();

        Assert.InRange(rows.Count, 45, 55);
        Assert.InRange(ReplayReport.MedianAbsolute(rows, o => o.E2eError), 0, 0.03);
        Assert.InRange(ReplayReport.MedianAbsolute(rows, o => o.ItlError), 0, 0.03);
        Assert.InRange(ReplayReport.MedianAbsolute(rows, o => o.TtftError), 0, 0.09);
    }

    /// <summary>Mixtral 8x7B at TP 2 and 4, DP 2, budgets of 2,048 and 8,192 tokens, 95 % of memory: every stage within 10 % E2E.</summary>
    [Fact]
    public void Mixtral_on_H100_is_within_10_percent_at_every_setting()
    {
        var rows = Scored(o => o.Case.Deployment.Model.Id == "mixtral-8x7b" && o.Case.Deployment.Accelerator.Id == "H100-SXM" && !Saturated(o) && !Lite(o)).ToList();

        Assert.InRange(rows.Count, 15, 25);
        Assert.All(rows, o => Assert.InRange(o.E2eError, -0.10, 0.10));
    }

    /// <summary>
    /// Qwen3-14B was not used to fit anything: its checkpoint's top-k 20 and top-p 0.95 over a 151,936-token vocabulary
    /// make ranking the vocabulary about a seventh of its decode step at 20 requests a second (2.4 of 17.5 ms). Without the term these stages were
    /// 2–14 % short; with it every one is within 8 %.
    /// </summary>
    [Fact]
    public void Qwen3_14B_held_out_from_the_sampler_fit_is_within_8_percent()
    {
        var rows = Scored(o => o.Case.Deployment.Model.Id == "qwen3-14b" && !Lite(o)).ToList();

        Assert.Equal(5, rows.Count);
        Assert.All(rows, o => Assert.Equal(SamplingMode.Filtered, o.Case.Deployment.Sampling));
        Assert.All(rows, o => Assert.InRange(o.E2eError, -0.08, 0.08));
    }

    /// <summary>
    /// The load generator (inference-perf) sends no sampling parameters, so vLLM applies each checkpoint's
    /// generation_config.json: Llama 3.1 8B Instruct and Qwen3-14B filter; the Mixtral base checkpoint sets none.
    /// </summary>
    [Theory]
    [InlineData("s2r-16-llama-3-1-8b-tp1-general-1", SamplingMode.Filtered)]
    [InlineData("s2r-13-qwen3-14b-tp1-general-1", SamplingMode.Filtered)]
    [InlineData("ho-20260218-130541-mixtral-8x7b-v0", SamplingMode.Random)]
    public void Each_run_samples_as_its_checkpoint_asks(string experiment, SamplingMode mode)
    {
        ReplayCase c = Report.Outcomes.First(o => o.Row.Experiment == experiment).Case;

        Assert.Equal(mode, c.Deployment.Sampling);
        Assert.Equal(mode == SamplingMode.Filtered, c.Corrections.Any(n => n.StartsWith("sampling:", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_sampling_column_overrides_the_checkpoints_and_a_wrong_one_skips_the_run_with_the_choices()
    {
        MeasuredRun row = Runs.First(r => r.Experiment == "s2r-16-llama-3-1-8b-tp1-general-1" && r.IsWholeRun);
        var (cases, skipped) = ReplayCase.Build(
            [row with { Sampling = "greedy" }, row with { Experiment = "wrong", Sampling = "nucleus" }, row with { Experiment = "old", EngineVersion = "0.7.3" }],
            SimCatalog.Default);

        Assert.Equal(SamplingMode.Greedy, cases.Single(c => c.Experiment == row.Experiment).Deployment.Sampling);
        Assert.Equal(SamplingMode.Random, cases.Single(c => c.Experiment == "old").Deployment.Sampling);   // before 0.8 vLLM ignored the checkpoint's
        var (experiment, reason) = Assert.Single(skipped);
        Assert.Equal("wrong", experiment);
        Assert.Contains("sampling 'nucleus' is not one of temperature, greedy, top-p, top-k, model-default", reason);
    }

    /// <summary>
    /// The release in a row picks how the server filtered: these runs used vLLM 0.15.1, which ranks the vocabulary; the
    /// same run on 0.22 (FlashInfer's sort-free kernel by default again) or with the kernel named comes out faster; a
    /// wrong kernel name skips the run with the choices.
    /// </summary>
    [Fact]
    public void The_engine_release_or_a_sampler_kernel_column_picks_how_the_server_filtered()
    {
        MeasuredRun row = Runs.First(r => r.Experiment == "s2r-16-llama-3-1-8b-tp1-general-1" && r.IsWholeRun);
        var (cases, skipped) = ReplayCase.Build(
            [row, row with { Experiment = "new", EngineVersion = "0.22.1" }, row with { Experiment = "named", SamplerKernel = "flashinfer" },
             row with { Experiment = "wrong", SamplerKernel = "bitonic" }, row with { Experiment = "amd", Gpu = "MI300X" }],
            SimCatalog.Default);

        ReplayCase Case(string experiment) => cases.Single(c => c.Experiment == experiment);
        Assert.Equal(SamplerKernel.Ranking, Case(row.Experiment).Deployment.SamplerKernel);
        Assert.Equal(SamplerKernel.SortFree, Case("new").Deployment.SamplerKernel);
        Assert.Equal(SamplerKernel.SortFree, Case("named").Deployment.SamplerKernel);
        var decode = BatchShape.Decode(100, 100 * 800);
        Assert.True(new StepTimeModel(Case("new").Deployment).Iteration(decode).Nanos < new StepTimeModel(Case(row.Experiment).Deployment).Iteration(decode).Nanos);
        var (experiment, reason) = Assert.Single(skipped);
        Assert.Equal("wrong", experiment);
        Assert.Contains("sampler_kernel 'bitonic' is not one of ranking, flashinfer", reason);
        // No SM figure for an AMD part: its sampler is taken as fast as an H100's, and the row says so.
        Assert.Contains(Case("amd").Assumptions, a => a.Contains("the sampler as fast as an H100's (no SM figure for MI300X", StringComparison.Ordinal));
        Assert.DoesNotContain(Case(row.Experiment).Assumptions, a => a.Contains("SM figure", StringComparison.Ordinal));
    }

    /// <summary>
    /// The calibrator gives the shipped factor (48.3 SM cycles an entry, fitted as 534.5 bytes) back within 5 % from its neutral start on the Llama
    /// 3.1 8B rows it was fitted on; leaving each experiment out in turn moves it between 384 and 540 bytes, 34.7 and 48.8 cycles (docs/calibration.md).
    /// </summary>
    [Fact]
    public void The_calibrator_reproduces_the_shipped_sampler_factor()
    {
        var runs = Runs.Where(r => r.Experiment.StartsWith("s2r-", StringComparison.Ordinal) && r.Model == "meta-llama/Llama-3.1-8B-Instruct" && r.Workload != "reasoning" && !Lite(r)).ToList();
        var (cases, _) = ReplayCase.Build(runs, SimCatalog.Default);
        FitParameter sampler = FitParameter.Parse("sampler_sm_cycles_per_entry").Single();

        Assert.Equal(8, cases.Count);
        CalibrationFit fit = Calibrator.Fit(cases, cases[0].Calibration.Factors with { SamplerCyclesPerEntry = Calibrator.NeutralStart.SamplerCyclesPerEntry }, [sampler]);

        Assert.InRange(fit.Factors.SamplerCyclesPerEntry, 48.3 * 0.95, 48.3 * 1.05);
    }

    /// <summary>
    /// The named misses, held where docs/calibration.md puts them: Mixtral with a 1,024-token budget collapsed on the bench (TTFT 41 s
    /// at 8 requests a second; its lighter rerun did not) and is simulated as a healthy server. The A100 Mixtral run, overloaded
    /// in both, was a miss too (−18 %: the bench's queue grew faster) until the A100's memory factors took its measured share
    /// of its bandwidth (5 December 2026): now within 5 %.
    /// </summary>
    [Theory]
    [InlineData("s2r-27-mixtral-8x7b-tp2-general-2", "0", -0.99, -0.85)]
    [InlineData("s2r-42-mixtral-8x7b-tp2-general-2", "1", -0.05, 0.05)]
    public void Named_misses_stay_where_the_calibration_notes_put_them(string experiment, string stage, double low, double high)
    {
        ReplayOutcome o = Report.Outcomes.Single(x => x.Row.Experiment == experiment && x.Row.Stage == stage);

        Assert.InRange(o.E2eError, low, high);
    }

    /// <summary>
    /// The lite runs, whose load the profile's two rates are fitted to (with the calibration file's four): with the general
    /// profile's load assumed, as before, the A100 and L40S runs saturated in simulation (E2E +260 to +2,000 %) where the
    /// servers kept TTFT under 0.6 s; at the fitted 4 then 8 requests a second the 21 scored stage rows have a median |E2E|
    /// error of 3.6 % (ITL 3.6 %, TTFT 6.7 %), every one within 16 %. The reasoning-lite run takes the rate the calibration
    /// file publishes for that variant.
    /// </summary>
    [Fact]
    public void The_lite_runs_replay_with_the_fitted_profile_on_H100_A100_and_L40S()
    {
        var rows = Scored(Lite).ToList();

        Assert.Equal(21, rows.Count);
        Assert.Equal(["A100-80GB", "H100-SXM", "L40S"], rows.Select(o => o.Case.Deployment.Accelerator.Id).Distinct().Order(StringComparer.Ordinal));
        Assert.All(rows, o => Assert.Contains(o.Case.Assumptions, a => a.Contains("-lite profile's schedule", StringComparison.Ordinal)));
        Assert.InRange(ReplayReport.MedianAbsolute(rows, o => o.E2eError), 0, 0.05);
        Assert.InRange(ReplayReport.MedianAbsolute(rows, o => o.ItlError), 0, 0.05);
        Assert.InRange(ReplayReport.MedianAbsolute(rows, o => o.TtftError), 0, 0.09);
        Assert.All(rows, o => Assert.InRange(o.E2eError, -0.16, 0.16));
    }

    /// <summary>
    /// The error records carry BLIS's own errors on the same stages (its evolved, trained model and its roofline): ours
    /// are a fifth of its evolved model's in the median (2.8 against 13.5 % over the 59 stages it reports; on the A100
    /// and L40S stages alone 3.6 against 8.3 %).
    /// </summary>
    [Fact]
    public void Every_stage_BLIS_reports_comes_out_closer_in_the_median()
    {
        var rows = Report.Scored.Where(o => o.Row.PeerErrors.ContainsKey("blis_evolved")).ToList();
        var offHopper = rows.Where(o => o.Case.Deployment.Accelerator.Id != "H100-SXM").ToList();

        Assert.Equal(59, rows.Count);
        Assert.Equal(12, offHopper.Count);
        Assert.InRange(ReplayReport.MedianAbsolute(rows, o => o.E2eError), 0, 0.5 * ReplayReport.MedianAbsolute(rows, Blis));
        Assert.InRange(ReplayReport.MedianAbsolute(offHopper, o => o.E2eError), 0, 0.6 * ReplayReport.MedianAbsolute(offHopper, Blis));
    }

    /// <summary>BLIS's evolved model's absolute E2E error on a stage, as a fraction (the records give per cent).</summary>
    private static double Blis(ReplayOutcome o) => o.Row.PeerErrors["blis_evolved"] / 100;
}
