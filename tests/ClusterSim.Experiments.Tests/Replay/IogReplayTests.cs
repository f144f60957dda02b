using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Replay;

/// <summary>
/// The IOG Foundation's vLLM 0.8.5 results (data/published/iog-vllm-0.8.5): ShareGPT at 1 to 32 requests a second on one
/// to eight GeForce RTX 4090 and one or two H100 PCIe. Two multi-card RTX 4090 runs fit the card's one vLLM term (a
/// collective's cost through host memory); the rest are held out.
/// </summary>
public class IogReplayTests
{
    private static readonly string Folder = Path.Combine(RepositoryRoot.Path, "data", "published", "iog-vllm-0.8.5");

    private static IReadOnlyList<MeasuredRun> Runs(string pattern) =>
        [.. Directory.GetFiles(Folder, pattern).Order(StringComparer.Ordinal).SelectMany(f => BenchmarkServingFile.ParseAll(File.ReadAllText(f), Path.GetFileName(f), new ServingSetup { DType = "BF16", EngineVersion = "0.8.5" }))];

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    [Fact]
    public void Held_out_multi_card_RTX_4090_runs_pay_a_collective_through_host_memory()
    {
        // The runs at 1 to 8 requests a second but the two fitted (at 16 and 32 the measured servers were overloaded):
        // a GeForce card's missing peer-to-peer makes the generic row's collectives fast. Measured on 7 December 2026
        // (medians of |error|), TP 2: E2E 14.6 % and ITL 16.5 % against 44.8 and 25.6 % on the generic row's collectives.
        foreach (int tp in new[] { 2, 4 })
        {
            IReadOnlyList<MeasuredRun> runs = [.. Runs($"*_{tp}xNVIDIA-GeForce-RTX-4090.json").Where(r => !IsFit(r) && r.Rate <= 8)];
            ReplayReport fitted = ReplayReport.Run(runs, SimCatalog.Default);
            Assert.True(SimCatalog.Default.Calibrations.TryGet("generic", Precision.BF16, out var genericRow));
            ReplayReport generic = ReplayReport.Run(runs, SimCatalog.Default, _ => genericRow.Factors);
            Assert.All(fitted.Outcomes, o => Assert.Equal(("RTX-4090/bf16", tp), (o.Case.Calibration.Name, o.Case.Deployment.TensorParallel)));

            double e2e = Median(fitted.Outcomes.Select(o => Math.Abs(o.E2eError))), itl = Median(fitted.Outcomes.Select(o => Math.Abs(o.ItlError)));
            Assert.InRange(e2e, 0, 0.20);
            Assert.InRange(itl, 0, 0.20);
            Assert.True(e2e < Median(generic.Outcomes.Select(o => Math.Abs(o.E2eError))) - 0.2, $"TP {tp}: E2E {e2e:P1} against the generic row's");
            Assert.True(itl < Median(generic.Outcomes.Select(o => Math.Abs(o.ItlError))), $"TP {tp}: ITL {itl:P1} against the generic row's");
        }
    }

    [Fact]
    public void Held_out_one_card_runs_below_the_cards_capacity_land_within_twelve_percent()
    {
        // The RTX 4090 at 1 to 8 requests a second (Llama 3 8B and the two 7-8B distills: -0.1 to +11.4 % E2E) and the
        // H100 PCIe with the models that fit one card (E2E 0.7 to 5.6 % medians by model). Named misses, left out here:
        // the 1.5B distill, whose steps on the RTX 4090's host take twice what the model says, and 16-32 requests a second
        // on one 24 GB card, where the simulated KV cache fills and the real one did not.
        string[] sized = ["Meta-Llama-3-8B-Instruct", "DeepSeek-R1-Distill-Llama-8B", "DeepSeek-R1-Distill-Qwen-7B"];
        IReadOnlyList<MeasuredRun> geforce = [.. Runs("*_1xNVIDIA-GeForce-RTX-4090.json").Where(r => sized.Any(m => r.Experiment.Contains(m, StringComparison.Ordinal))
            && (r.Rate ?? 0) <= 8)];
        Assert.Equal(9, geforce.Count);
        Assert.All(ReplayReport.Run(geforce, SimCatalog.Default).Outcomes, o => Assert.InRange(o.E2eError, -0.12, 0.12));

        string[] oneCard = ["Meta-Llama-3-8B-Instruct", "DeepSeek-R1-Distill-Qwen-14B", "DeepSeek-R1-Distill-Qwen-7B", "phi-4"];
        IReadOnlyList<MeasuredRun> h100 = [.. Runs("*_1xNVIDIA-H100-PCIe.json").Where(r => oneCard.Any(m => r.Experiment.Contains(m, StringComparison.Ordinal)))];
        ReplayReport report = ReplayReport.Run(h100, SimCatalog.Default);
        Assert.Equal(25, report.Outcomes.Count);   // the 14B distill's files hold two runs each
        Assert.InRange(Median(report.Outcomes.Select(o => Math.Abs(o.E2eError))), 0, 0.08);
    }

    private static bool IsFit(MeasuredRun run) =>
        run.Experiment.Contains("DeepSeek-R1-Distill-Llama-8B_sharegpt_2x", StringComparison.Ordinal) && run.Rate is 4 or 8;
}
