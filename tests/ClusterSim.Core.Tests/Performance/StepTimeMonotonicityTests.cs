using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using ClusterSim.Tests;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// More work never takes less time: across deployments drawn from the catalogs (every model, accelerators from a phone to
/// B200 and TPU, number formats, engines, tensor-parallel sizes), a step never gets faster when it decodes more
/// sequences, when its sequences carry longer contexts, or when it prefills more tokens; and every term is finite and not
/// negative. (The terms are closed forms of the shape; a tile rounding, a kernel floor or an overlap blend that let a larger
/// batch time below a smaller one would break capacity searches and macro-steps silently.) <c>CLUSTERSIM_SOAK=N</c> adds N
/// more seeds.
/// </summary>
public class StepTimeMonotonicityTests
{
    private static readonly string[] Chips = ["H100-SXM", "A100-80GB", "B200", "MI300X", "L40S", "L4", "TPU-v6e", "Jetson-AGX-Orin-64GB", "H200", "GB200"];

    public static TheoryData<int> Seeds() => SoakSeeds.Seeds(40);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void More_work_never_takes_less_time(int seed)
    {
        int checkedModels = 0;
        foreach (StepTimeModel model in Drawn(seed, count: 10))
        {
            string what = $"{model.Deployment.Model.Id} on {model.Deployment.TensorParallel} x {model.Deployment.Accelerator.Id}, {model.Deployment.Weights}, {model.Deployment.Engine}";
            NonDecreasing(what + ", decode sequences at 700 tokens each", [1, 2, 3, 8, 16, 31, 64, 100, 128, 256, 512, 1024], s => BatchShape.Decode(s, s * 700.0));
            NonDecreasing(what + ", 24 sequences' contexts", [1, 16, 64, 500, 2048, 8192, 32768], c => BatchShape.Decode(24, 24.0 * c));
            NonDecreasing(what + ", prefill tokens", [1, 2, 15, 16, 17, 63, 64, 65, 128, 512, 2048, 8192, 16384], t => new BatchShape(t, BatchShape.PrefillAttention(t, 0), 0, 1));
            NonDecreasing(what + ", a 512-token chunk after a prior prefix", [0, 512, 4096, 30000], p => new BatchShape(512, BatchShape.PrefillAttention(512, p), p, 1));
            checkedModels++;

            void NonDecreasing(string series, int[] steps, Func<int, BatchShape> shape)
            {
                double before = 0;
                foreach (int step in steps)
                {
                    IterationTerms t = model.Terms(shape(step));
                    foreach (double term in new[] { t.DenseGemm, t.ExpertGemm, t.Attention, t.Collectives, t.Overhead, t.Sampler, t.Draft })
                    {
                        Assert.True(double.IsFinite(term) && term >= 0, $"{series} at {step}: a term is {term}");
                    }

                    Assert.True(t.Total >= before * (1 - 1e-12), $"{series}: {step} takes {t.Total * 1e3:0.######} ms, less than the step before's {before * 1e3:0.######} ms");
                    before = t.Total;
                }
            }
        }

        Assert.Equal(10, checkedModels);
    }

    /// <summary><paramref name="count"/> deployments drawn from <paramref name="seed"/> (those a catalog refuses are drawn again).</summary>
    private static IEnumerable<StepTimeModel> Drawn(int seed, int count)
    {
        var random = new Random(seed);
        ModelSpec[] models = [.. SimCatalog.Default.Models.All];
        for (int built = 0, drawn = 0; built < count && drawn < 100 * count; drawn++)
        {
            ModelSpec model = models[random.Next(models.Length)];
            string chip = Chips[random.Next(Chips.Length)];
            int tp = new[] { 1, 1, 2, 4, 8 }[random.Next(5)];
            Precision weights = new[] { Precision.BF16, Precision.FP8, Precision.INT4 }[random.Next(3)];
            ServingEngine engine = new[] { ServingEngine.Vllm, ServingEngine.Sglang, ServingEngine.TensorRtLlm }[random.Next(3)];
            StepTimeModel? step;
            try
            {
                step = new StepTimeModel(SimCatalog.Default.Deployment(model.Id, chip, tp, weights, Precision.FP8, engine));
            }
            catch (ArgumentException)
            {
                step = null;   // a shape the catalog refuses (heads TP does not divide, a chip without a scale-up link)
            }

            if (step is not null)
            {
                built++;
                yield return step;
            }
        }
    }
}
