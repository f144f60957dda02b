using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// The dense-GEMM term against one layer's four linear projections as Vidur's profiler timed them on A100 80GB and H100
/// (data/published/vidur-gemm-profiles.csv: 6 models, TP 1–8, 1 to 4,096 tokens). Each accelerator's GEMM efficiency
/// is the median of its 16 rows marked fit (two models at TP 1–2 and 2,048–4,096 tokens) and its kernel floor the
/// intercept of its one-token rows; the held-out comparison is of the other compute-bound rows (1,024 tokens and more).
/// The catalog's weight-streaming factor is an end-to-end one, which also carries the step's other kernels, so it is
/// not meant to match one operator's time.
/// </summary>
public class GemmProfileTests
{
    private const int ComputeBoundTokens = 1024;

    [Theory]
    [InlineData("A100-80GB", 0.05)]
    [InlineData("H100-SXM", 0.05)]
    public void Held_out_compute_bound_linear_layers_are_timed_within_tolerance(string accelerator, double medianTolerance)
    {
        List<double> errors = [.. ProfileRow.Load()
            .Where(r => r.Accelerator == accelerator && r.Role == "test" && r.Tokens >= ComputeBoundTokens)
            .Select(r => (r.PredictedMs() / r.MeasuredMs) - 1)];

        Assert.Equal(89, errors.Count);
        double median = Median(errors.Select(Math.Abs));
        Assert.True(median <= medianTolerance, $"{accelerator}: median absolute error {median:P1} over {errors.Count} rows (tolerance {medianTolerance:P0})");
        Assert.All(errors, e => Assert.InRange(e, -0.30, 0.30));
    }

    [Theory]
    [InlineData("A100-80GB")]
    [InlineData("H100-SXM")]
    public void GEMM_efficiency_is_the_median_of_the_fit_rows(string accelerator)
    {
        // In a compute-bound row the arithmetic time scales as 1 / efficiency and the kernel floors do not, so the
        // efficiency a row asks for is the catalog's times (predicted − floors) / (measured − floors).
        ProfileRow[] fit = [.. ProfileRow.Load().Where(r => r.Role == "fit" && r.Accelerator == accelerator)];
        Assert.Equal(16, fit.Length);

        EfficiencyFactors catalogued = fit[0].Deployment().Efficiency;
        double floors = 4 * catalogued.GemmKernelSeconds * 1e3;
        double fitted = Median(fit.Select(r => catalogued.Compute * (r.PredictedMs() - floors) / (r.MeasuredMs - floors)));
        Assert.Equal(fitted, catalogued.Compute, 0.001);
    }

    [Theory]
    [InlineData("A100-80GB")]
    [InlineData("H100-SXM")]
    public void The_kernel_floor_is_where_the_one_token_rows_meet_zero_weights(string accelerator)
    {
        // At one token a layer only streams its weights: time = weights / bandwidth / efficiency + 4 kernel floors. A
        // least-squares line through the 21 one-token rows (every model and TP) gives the floor as its intercept over 4.
        ProfileRow[] rows = [.. ProfileRow.Load().Where(r => r.Accelerator == accelerator && r.Tokens == 1)];
        Assert.Equal(21, rows.Length);
        double[] x = [.. rows.Select(r => r.WeightBytesPerAccelerator())], y = [.. rows.Select(r => r.MeasuredMs / 1e3)];
        (double intercept, double _) = MathNet.Numerics.Fit.Line(x, y);

        double catalogued = rows[0].Deployment().Efficiency.GemmKernelSeconds;
        Assert.Equal(intercept / 4 * 1e6, catalogued * 1e6, 0.2);
    }

    [Fact]
    public void A100_runs_on_the_ampere_calibration_without_a_warning_in_BF16_and_warns_in_INT8()
    {
        AcceleratorSpec a100 = SimCatalog.Default.Hardware.Get("A100-80GB");
        (ServingCalibration bf16, string? bf16Warning) = SimCatalog.Default.Calibrations.For(a100, Precision.BF16);
        Assert.Equal("ampere-vllm", bf16.Id);
        Assert.Null(bf16Warning);

        (ServingCalibration int8, string? int8Warning) = SimCatalog.Default.Calibrations.For(a100, Precision.INT8);
        Assert.Equal(ServingCalibration.GenericId, int8.Id);
        Assert.Contains("'ampere-vllm' has no int8 row", int8Warning);
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>One row of the profile file: a layer's shape, the tokens it ran on, and the four projections' summed median time.</summary>
    private sealed record ProfileRow(string Accelerator, string Model, int Hidden, int Heads, int KvHeads, int Ffn, bool Gated, int TensorParallel, int Tokens, double MeasuredMs, string Role)
    {
        public static IEnumerable<ProfileRow> Load() =>
            File.ReadLines(Path.Combine(ClusterSim.Tests.RepositoryRoot.Path, "data", "published", "vidur-gemm-profiles.csv"))
                .Skip(1)
                .Select(line => line.Split(','))
                .Select(f => new ProfileRow(f[0], f[1], Int(f[2]), Int(f[3]), Int(f[4]), Int(f[5]), bool.Parse(f[6]),
                    Int(f[7]), Int(f[8]), double.Parse(f[9], CultureInfo.InvariantCulture), f[10]));

        private static int Int(string field) => int.Parse(field, CultureInfo.InvariantCulture);

        /// <summary>The row's layer as a one-layer model with no vocabulary (no embedding, no LM head), on its accelerator with the catalog's BF16 calibration.</summary>
        public ServingDeployment Deployment() => SimCatalog.Default.Calibrations.Apply(new ServingDeployment
        {
            Model = new ModelSpec
            {
                Id = Model,
                Name = Model,
                Layers = 1,
                Hidden = Hidden,
                Heads = Heads,
                KvHeads = KvHeads,
                HeadDim = Hidden / Heads,
                Ffn = Ffn,
                GatedMlp = Gated,
                MaxContext = 4096,
                Source = "data/published/vidur-gemm-profiles.csv",
            },
            Accelerator = SimCatalog.Default.Hardware.Get(Accelerator),
            TensorParallel = TensorParallel,
            Weights = Precision.BF16,
            KvCache = Precision.BF16,
        });

        /// <summary>Bytes of the layer's four projection matrices one accelerator holds (BF16; the one-layer model has no vocabulary).</summary>
        public double WeightBytesPerAccelerator() => 2 * Deployment().Model.TotalParameters / TensorParallel;

        /// <summary>The model's dense-GEMM term for a prefill of <see cref="Tokens"/> tokens, ms.</summary>
        public double PredictedMs() =>
            new StepTimeModel(Deployment()).Terms(new BatchShape(Tokens, 0, 0, 1)).DenseGemm * 1e3;
    }
}
