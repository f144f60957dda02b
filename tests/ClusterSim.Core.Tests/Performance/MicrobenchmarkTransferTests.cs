using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// One harness's microbenchmarks on H100, A100, GB200 and MI300X (data/published/azure-gemm-hbm-microbenchmarks.csv,
/// Azure's AI-benchmarking-guide) carry Hopper's fitted factors to chips no serving run has fitted: a chip's share of its
/// own datasheet figure over Hopper's, in cuBLASLt or hipBLASLt FP8 GEMMs at the same large shapes and in STREAM-style
/// memory kernels. blackwell-vllm/fp8 and blackwell-sglang/fp8 take their GEMM factor from the file, the A100 rows their
/// memory factors; MI300X's, derived the same way, check the factors its own rows carry.
/// </summary>
public class MicrobenchmarkTransferTests
{
    /// <summary>The four large shapes (8,192 to 32,768 square, 6,144 × 12,288 × 12,288), where a GEMM runs at its library's best.</summary>
    private static readonly string[] LargeShapes = ["gemm 8192x8192x8192", "gemm 16384x16384x16384", "gemm 32768x32768x32768", "gemm 6144x12288x12288"];

    /// <summary>The five STREAM-style memory kernels.</summary>
    private static readonly string[] MemoryKernels = ["hbm copy", "hbm mul", "hbm add", "hbm triad", "hbm dot"];

    /// <summary>
    /// The median over <paramref name="kernels"/> of <paramref name="accelerator"/>'s measured share of its datasheet figure
    /// over H100's: GEMMs against the FP8 peak, memory kernels against the datasheet bandwidth.
    /// </summary>
    private static double RatioToHopper(string accelerator, string[] kernels)
    {
        Dictionary<string, double> Shares(string chip)
        {
            AcceleratorSpec spec = SimCatalog.Default.Hardware.Get(chip);
            return File.ReadLines(Path.Combine(ClusterSim.Tests.RepositoryRoot.Path, "data", "published", "azure-gemm-hbm-microbenchmarks.csv"))
                .Skip(1)
                .Select(line => line.Split(','))
                .Where(f => f[1] == chip && (f[4] != "gemm" || f[3] == "fp8"))
                .ToDictionary(
                    f => f[4] == "gemm" ? $"gemm {f[5]}x{f[6]}x{f[7]}" : f[4],
                    f => double.Parse(f[8], CultureInfo.InvariantCulture) / (f[4] == "gemm" ? spec.PeakFlops(Precision.FP8) / 1e12 : spec.MemoryTBps));
        }

        Dictionary<string, double> chip = Shares(accelerator), hopper = Shares("H100-SXM");
        double[] ratios = [.. kernels.Select(k => chip[k] / hopper[k]).Order()];
        int mid = ratios.Length / 2;
        return ratios.Length % 2 == 1 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2;
    }

    private static EfficiencyFactors Row(string row, Precision precision) =>
        SimCatalog.Default.Calibrations.TryGet(row, precision, out ServingCalibration c) ? c.Factors : throw new InvalidOperationException($"no {row}/{precision} row");

    private static double Gemm(string row) => Row(row, Precision.FP8).Compute;

    [Fact]
    public void Blackwell_rows_take_hoppers_gemm_share_scaled_by_the_microbenchmarks()
    {
        double ratio = RatioToHopper("GB200", LargeShapes);
        Assert.Equal(0.8546, ratio, 3);
        double expected = Math.Round(Gemm("hopper-vllm") * ratio, 4);
        Assert.Equal(expected, Gemm("blackwell-vllm"), 4);
        Assert.Equal(expected, Gemm("blackwell-sglang"), 4);
    }

    [Fact]
    public void Sixteen_bit_rows_without_a_fit_take_hoppers_sixteen_over_eight_bit_gemm_shares()
    {
        // Hopper's vLLM rows fit both formats: 16-bit GEMMs reach 1.43 times the share of their peak FP8 ones do.
        double sixteenOverEight = Row("hopper-vllm", Precision.BF16).Compute / Gemm("hopper-vllm");
        Assert.Equal(1.4275, sixteenOverEight, 4);

        // Blackwell's: the microbenchmarks' ratio on Hopper's 16-bit share, the same as its FP8 row times Hopper's ratio.
        double blackwell = Row("blackwell-vllm", Precision.BF16).Compute;
        Assert.Equal(Math.Round(Row("hopper-vllm", Precision.BF16).Compute * RatioToHopper("GB200", LargeShapes), 4), blackwell, 4);
        Assert.Equal(Gemm("blackwell-vllm") * sixteenOverEight, blackwell, 3);

        // CDNA3's: its fitted FP8 share times Hopper's ratio, within an eighth of the microbenchmarks' route (0.45), which the
        // FP8 share carried as it was (0.28) missed by more than a third.
        double cdna3 = Row("cdna3-vllm", Precision.BF16).Compute;
        Assert.Equal(Math.Round(Gemm("cdna3-vllm") * sixteenOverEight, 4), cdna3, 4);
        double microbenchmarks = Row("hopper-vllm", Precision.BF16).Compute * RatioToHopper("MI300X", LargeShapes);
        Assert.InRange(cdna3 / microbenchmarks, 0.85, 0.92);
        Assert.True(Gemm("cdna3-vllm") / microbenchmarks < 0.65);
    }

    [Fact]
    public void The_same_ratio_for_MI300X_lands_within_a_sixth_of_its_fitted_factor()
    {
        // hipBLASLt reaches 0.39-0.44 of MI300X's FP8 peak where cuBLASLt reaches 0.65-0.70 of H100's: 0.61 of Hopper's share,
        // 0.31 of the peak on hopper-vllm/fp8's 0.5156, against the 0.28 fitted on AMD's vLLM 0.10.2 runs.
        double derived = Gemm("hopper-vllm") * RatioToHopper("MI300X", LargeShapes);
        Assert.InRange(derived, 0.30, 0.33);
        Assert.InRange(Gemm("cdna3-vllm") / derived, 0.85, 1.0);
    }

    [Fact]
    public void The_A100_rows_stream_at_hoppers_share_scaled_by_the_memory_microbenchmarks()
    {
        double ratio = RatioToHopper("A100-80GB", MemoryKernels);
        Assert.Equal(0.9121, ratio, 3);
        EfficiencyFactors hopper = Row("hopper-vllm", Precision.BF16);
        foreach (string row in new[] { "ampere-vllm", "ampere-trtllm" })
        {
            EfficiencyFactors ampere = Row(row, Precision.BF16);
            Assert.Equal(Math.Round(hopper.Memory * ratio, 4), ampere.Memory, 4);
            Assert.Equal(Math.Round(hopper.KvRead * ratio, 4), ampere.KvRead, 4);
        }
    }

    [Fact]
    public void The_same_memory_ratio_for_MI300X_lands_on_its_carried_factor()
    {
        // MI300X's copy, mul, add, triad and dot reach 0.73-0.80 of 5.3 TB/s where H100's reach 0.87-0.95 of 3.35: 0.881 of
        // Hopper's share, 0.693 on hopper-vllm/fp8's 0.786, against the 0.7013 cdna3-vllm/fp8 carries.
        double derived = Row("hopper-vllm", Precision.FP8).Memory * RatioToHopper("MI300X", MemoryKernels);
        Assert.InRange(Row("cdna3-vllm", Precision.FP8).Memory / derived, 0.97, 1.03);
    }

    [Fact]
    public void H200_reaches_the_share_H100_does_so_the_Hopper_rows_carry_to_it_unchanged()
    {
        // Same silicon, HBM3e for HBM3: its share of its datasheet is within 3 % of H100's in both kernels (GEMM 0.984,
        // memory 0.975), inside the spread of the served runs the Hopper rows were fitted on.
        Assert.InRange(RatioToHopper("H200", LargeShapes), 0.97, 1.03);
        Assert.InRange(RatioToHopper("H200", MemoryKernels), 0.97, 1.03);
    }
}
