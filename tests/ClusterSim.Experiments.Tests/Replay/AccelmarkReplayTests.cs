using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// AccelMark's runs (data/published/accelmark-vllm-runs.csv, built by data/published/scripts/accelmark.py): one harness
/// that builds vLLM's AsyncLLMEngine in its own process and streams from it, at one user, at Poisson rates and in a closed
/// loop of eight; Llama 3 8B on five single GPUs, Llama 3 70B and Mixtral 8x7B on eight A100 40GB and eight H200. Its vLLM
/// 0.7.3 runs of the 8B on four hosts fit the V0 engine's in-process host costs (<see cref="VllmV0InProcess"/>), its 70B
/// runs on eight A100 their workers' share; the H200 runs, the Mixtral runs and the A100's 0.20.1 run are held out
/// (docs/calibration.md, "AccelMark").
/// </summary>
public class AccelmarkReplayTests
{
    private static readonly IReadOnlyList<MeasuredRun> Rows =
        MeasuredRunFile.Read(Path.Combine(RepositoryRoot.Path, "data", "published", "accelmark-vllm-runs.csv"));

    private static readonly ReplayReport Report = ReplayReport.Run(Rows, SimCatalog.Default);

    private static ReplayOutcome Run(string id) => Report.Outcomes.Single(o => o.Row.Experiment == id);

    [Fact]
    public void A_V1_engine_in_the_clients_process_schedules_128_sequences_and_its_steps_replay_within_twelve_percent()
    {
        // Held out. The runner gives the engine no limits, so vLLM 0.20.1 keeps SchedulerConfig's 128 sequences and 2,048
        // tokens; at the server's 256 the batch at 25 and 100 requests a second had twice the sequences and the median
        // TPOT came out 44 and 68 % slow (measured 22.3 and 22.2 ms: the cap, not the load, sets the step).
        string[] latency = ["interactive", "poisson-5", "poisson-25", "poisson-100"];
        Assert.All(latency.Select(s => Run($"am-a100-80gb-llama3-8b-v0.20.1-{s}")), o =>
        {
            Assert.Equal((128, 2048), (o.Case.Scheduler.MaxSequences, o.Case.Scheduler.MaxBatchedTokens));
            Assert.InRange(o.TpotP50Error, -0.05, 0.12);
        });
        Assert.InRange(Run("am-a100-80gb-llama3-8b-v0.20.1-sustained-c8").ThroughputError, -0.10, 0.02);
    }

    [Fact]
    public void V0s_host_work_in_the_clients_process_closes_the_gap_the_V1_overheads_leave()
    {
        // The fit: four hosts' 0.7.3 runs of the 8B and the 70B runs on eight A100s, median TPOT and the closed loop's
        // throughput. With V1's overheads (1.2 ms a step, 1.5 us a sequence) the loaded rows came out 20-68 % fast; with V0's
        // 2.0 ms, and 80 us a sequence (220 with workers), the median |error| is 9 %.
        ReplayOutcome[] fitted = [.. Report.Outcomes.Where(o => o.Row.Set == "fit")];
        Assert.Equal(26, fitted.Length);
        Assert.All(fitted, o => Assert.Contains(o.Case.Corrections, c => c.Contains("V0 engine in the client's process", StringComparison.Ordinal)));
        Assert.True(ReplayReport.MedianAbsolute(fitted.Where(o => o.Row.TpotP50Ms is not null), o => o.TpotP50Error) < 0.10);
        Assert.All(fitted.Where(o => o.Row.Experiment.EndsWith("-sustained-c8", StringComparison.Ordinal)), o => Assert.InRange(o.ThroughputError, -0.02, 0.08));
        Assert.All(fitted.Where(o => o.Row.Experiment.EndsWith("-interactive", StringComparison.Ordinal)), o => Assert.InRange(o.TpotP50Error, -0.08, 0.08));

        // The same rows as a server's (the calibration's V1 overheads): the term, not the rest of the model, closes them.
        ReplayReport asServer = ReplayReport.Run([.. Rows.Where(r => r.Set == "fit").Select(r => r with { VllmEntry = VllmEntryPoint.Server })], SimCatalog.Default);
        Assert.True(ReplayReport.MedianAbsolute(asServer.Outcomes.Where(o => o.Row.TpotP50Ms is not null), o => o.TpotP50Error) > 0.2);
    }

    [Fact]
    public void With_tensor_parallel_workers_V0_pays_more_a_sequence_and_Mixtral_on_the_same_host_is_held_out_within_seventeen_percent()
    {
        // The workers' share (140 us a sequence more) is fitted on the 70B runs on eight A100 40GB; the same host's Mixtral
        // 8x7B runs were 37-43 % fast at 10 and 40 requests a second with the single-GPU figure alone.
        ReplayOutcome[] mixtral = [.. Report.Outcomes.Where(o => o.Row.Experiment.StartsWith("am-a100-40gbx8-mixtral-8x7b-", StringComparison.Ordinal))];
        Assert.Equal(5, mixtral.Length);
        Assert.All(mixtral, o =>
        {
            Assert.Equal("heldout", o.Row.Set);
            Assert.Contains(o.Case.Corrections, c => c.Contains("220 µs a sequence of host work (with its 7 workers)", StringComparison.Ordinal));
        });
        Assert.All(mixtral.Where(o => o.Row.TpotP50Ms is not null), o => Assert.InRange(o.TpotP50Error, -0.02, 0.17));
        Assert.InRange(mixtral.Single(o => o.Row.Experiment.EndsWith("-sustained-c8", StringComparison.Ordinal)).ThroughputError, 0, 0.10);
    }

    [Fact]
    public void Quantised_weights_on_an_A100_come_out_at_most_eighteen_percent_fast_in_a_closed_loop()
    {
        // Held out: Llama 3.1 8B on the A100 40GB's host in five weight formats (suite C), a closed loop of eight. BF16 and
        // FP8 (weight-only on Ampere) within 3 %; W8A16, W4A16 and W8A8 9-17 % fast, and their loaded steps more so: a
        // quantised checkpoint keeps its LM head in 16 bits and runs its own kernels, which the step model does not yet
        // separate (docs/calibration.md, "AccelMark"). Tightening these bands is the test of that work.
        string[] formats = ["bf16", "fp8", "w8a16", "w4a16", "w8a8"];
        ReplayOutcome[] loops = [.. formats.Select(f => Run($"am-a100-40gb-llama31-8b-{f}-v0.7.3-sustained-c8"))];
        Assert.All(loops, o => Assert.Equal("heldout", o.Row.Set));
        Assert.InRange(loops[0].ThroughputError, -0.04, 0.02);
        Assert.InRange(loops[1].ThroughputError, -0.02, 0.05);
        Assert.All(loops[2..], o => Assert.InRange(o.ThroughputError, 0.05, 0.18));
    }

    [Fact]
    public void The_H200_runs_host_is_a_named_miss()
    {
        // Held out, and far off: its host (a Xeon 8558) decodes two to three times slower than the fit's hosts predict — a
        // 0.5B model runs 2.3 times slower on it than on the H100 — so its loaded steps come out 40-55 % short and its closed
        // loop 50-60 % fast. When the host's speed is modelled, this test should fail and be rewritten.
        Assert.All(new[] { "poisson-5", "poisson-25", "poisson-100" }.Select(s => Run($"am-h200-llama3-8b-v0.7.3-{s}")), o => Assert.InRange(o.TpotP50Error, -0.6, -0.35));
        Assert.InRange(Run("am-h200-llama3-8b-v0.7.3-sustained-c8").ThroughputError, 0.4, 0.7);

        // The eight-H200 runs' host (the same Xeon 8558) likewise: their closed loops 25-46 % fast; and its runs of the
        // weight formats, whose loops all measured about 700 tokens a second whatever the format, 56-142 %.
        Assert.All(new[] { "llama3-70b", "mixtral-8x7b" }.Select(m => Run($"am-h200x8-{m}-v0.7.3-sustained-c8")), o => Assert.InRange(o.ThroughputError, 0.2, 0.55));
        Assert.All(new[] { "bf16", "fp8", "w8a8", "w8a16", "w4a16" }.Select(f => Run($"am-h200-llama31-8b-{f}-v0.7.3-sustained-c8")), o => Assert.InRange(o.ThroughputError, 0.5, 1.5));
    }
}
