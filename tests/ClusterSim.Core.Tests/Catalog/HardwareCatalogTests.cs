using ClusterSim.Core.Catalog;

namespace ClusterSim.Core.Tests.Catalog;

public class HardwareCatalogTests
{
    [Theory]
    [InlineData("A100-40GB")]
    [InlineData("A100-80GB")]
    [InlineData("H100-SXM")]
    [InlineData("H100-PCIe")]
    [InlineData("H200")]
    [InlineData("B200")]
    [InlineData("MI300X")]
    [InlineData("L4")]
    [InlineData("L40S")]
    [InlineData("TPU-v5e")]
    [InlineData("Inferentia2")]
    [InlineData("Gaudi3")]
    [InlineData("Groq-LPU")]
    [InlineData("RTX-4090")]
    [InlineData("RTX-6000-Ada")]
    [InlineData("A40")]
    [InlineData("RTX-A6000")]
    public void Required_accelerators_are_shipped_with_a_source(string id)
    {
        AcceleratorSpec spec = SimCatalog.Default.Hardware.Get(id);
        Assert.True(spec.Bf16Tflops > 0);
        Assert.True(spec.MemoryGB > 0);
        Assert.False(string.IsNullOrWhiteSpace(spec.Source));
    }

    [Fact]
    public void H100_figures_are_the_dense_datasheet_values()
    {
        AcceleratorSpec h100 = SimCatalog.Default.Hardware.Get("h100-sxm");
        Assert.Equal(989e12, h100.PeakFlops(Precision.BF16));
        Assert.Equal(1979e12, h100.PeakFlops(Precision.FP8));
        Assert.Equal(3.35e12, h100.MemoryBytesPerSecond);
    }

    [Fact]
    public void Workstation_and_GeForce_cards_carry_the_dense_rates_their_engines_get_and_are_found_by_driver_names()
    {
        // A GeForce card accumulates FP16 and BF16 tensor products in FP32 at half its FP16-accumulate rate; engines' GEMMs
        // accumulate in FP32, so RTX 4090's rows are 165.2 and 330.3 (the rates a memory- or compute-bound step can reach).
        static AcceleratorSpec Resolve(string name) => Assert.IsType<AcceleratorSpec>(SimCatalog.Default.Hardware.TryResolve(name, out AcceleratorSpec spec) ? spec : null);
        AcceleratorSpec rtx4090 = Resolve("NVIDIA GeForce RTX 4090");
        Assert.Equal(("RTX-4090", 165.2e12, 330.3e12, 1.008e12, 24.0), (rtx4090.Id, rtx4090.PeakFlops(Precision.BF16), rtx4090.PeakFlops(Precision.FP8), rtx4090.MemoryBytesPerSecond, rtx4090.MemoryGB));
        // The workstation Ada card is L40S's silicon at its own clock: the datasheet's 1,457 TFLOPS is FP8 with sparsity.
        AcceleratorSpec ada = Resolve("NVIDIA RTX 6000 Ada Generation");
        Assert.Equal(1457e12, 2 * ada.PeakFlops(Precision.FP8), 1e12);
        Assert.Equal(ada.PeakFlops(Precision.FP8), 2 * ada.PeakFlops(Precision.BF16), 0.1e12);
        // GA102's datacenter and workstation cards: the datasheets' dense rates are their SMs at boost clock, no FP8, two
        // cards joined by an NVLink bridge.
        foreach (string ga102 in new[] { "NVIDIA A40", "NVIDIA RTX A6000" })
        {
            AcceleratorSpec card = Resolve(ga102);
            Assert.Null(card.Fp8Tflops);
            Assert.Equal((2, 112.5), (card.ScaleUpDomain, card.ScaleUpGBps));
            Assert.Equal(card.Bf16Tflops * 1e12, card.SmGhz!.Value * 1e9 * 1024, 0.5e12);   // 1,024 dense BF16 FLOP an SM a clock
        }
    }

    [Theory]
    [InlineData("RTX-4090", 0.756, 1.116)]
    [InlineData("A40", 0.864, 1.224)]
    [InlineData("RTX-A6000", 0.864, 1.224)]
    [InlineData("RTX-6000-Ada", 1.332, 1.908)]
    [InlineData("L40", 1.332, 1.908)]
    public void Rented_workstation_cards_are_priced_at_a_serverless_worker_always_on_up_to_one_scaling_to_zero(string id, double alwaysOn, double scalingToZero)
    {
        // RunPod's serverless rates a second times 3,600: the always-on worker is the default (what a 24/7 replica costs),
        // the one that scales to zero the top of the range; the source names both.
        AcceleratorSpec card = SimCatalog.Default.Hardware.Get(id);
        Assert.Equal((alwaysOn, alwaysOn, scalingToZero), (card.PricePerHour, card.PriceLow, card.PriceHigh));
        Assert.Contains("docs.runpod.io/serverless/pricing", card.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("No price found", card.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void HGX_B300_is_its_own_eight_GPU_domain_not_GB300s_rack()
    {
        // B300 was an alias of GB300 (NVL72: 72 GPUs a domain), which put a multi-node HGX plan's collectives on NVLink.
        AcceleratorSpec b300 = SimCatalog.Default.Hardware.Get("B300"), gb300 = SimCatalog.Default.Hardware.Get("GB300");
        Assert.True(SimCatalog.Default.Hardware.TryResolve("HGX-B300", out AcceleratorSpec byAlias));
        Assert.Equal("B300", byAlias.Id);
        Assert.Equal((8, 72), (b300.ScaleUpDomain, gb300.ScaleUpDomain));
        Assert.Equal((4500e12, 13500e12), (b300.PeakFlops(Precision.FP8), b300.PeakFlops(Precision.INT4)));
        Assert.Equal(gb300.MemoryBytesPerSecond, b300.MemoryBytesPerSecond);
        Assert.Equal(gb300.Calibration, b300.Calibration);
    }

    [Fact]
    public void A_power_limited_card_runs_at_its_sustained_share_of_the_datasheet()
    {
        // The H100 NVL (400 W) keeps its datasheet figures in the catalog, and every timing takes 0.84 of them.
        AcceleratorSpec nvl = SimCatalog.Default.Hardware.Get("H100-NVL");
        Assert.Equal(0.84, nvl.SustainedShare);
        Assert.Equal(3.9, nvl.MemoryTBps);
        Assert.Equal(3.9e12 * 0.84, nvl.MemoryBytesPerSecond, 1e-3);
        Assert.Equal(1670.5e12 * 0.84, nvl.PeakFlops(Precision.FP8), 1e-3);
        Assert.Equal(235.62 * 0.84, nvl.SustainedSmGhz!.Value, 1e-9);
        Assert.Equal(1.0, SimCatalog.Default.Hardware.Get("H100-SXM").SustainedShare);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.2")]
    [InlineData("-0.5")]
    public void A_sustained_share_outside_zero_to_one_names_its_file_line_and_column(string share)
    {
        string text = "id,name,vendor,year,kind,bf16_tflops,hbm_gb,memory_gib,hbm_tb_s,sustained_share,source\n"
            + $"X1,X 1,Acme,2025,training-gpu,100,80,80,2.0,{share},made up\n";
        var error = Assert.Throws<CatalogException>(() => HardwareCatalog.Empty.With(CsvTable.Parse(new StringReader(text), "hw.csv")));
        Assert.StartsWith("hw.csv:2", error.Message, StringComparison.Ordinal);
        Assert.Contains("sustained_share", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_precision_the_chip_lacks_is_a_clear_error()
    {
        var error = Assert.Throws<ArgumentException>(() => SimCatalog.Default.Hardware.Get("A100-80GB").PeakFlops(Precision.FP8));
        Assert.Contains("has no FP8 peak", error.Message);
    }

    [Fact]
    public void Misspelt_hardware_gets_a_suggestion()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => SimCatalog.Default.Hardware.Get("H10"));
        Assert.Contains("unknown hardware 'H10'", error.Message);
        Assert.Contains("did you mean", error.Message);
    }

    [Fact]
    public void Unterminated_quote_is_reported_with_its_line()
    {
        var error = Assert.Throws<CatalogException>(() => CsvTable.Parse(new StringReader("id,name\nx,\"open\n"), "hw.csv"));
        Assert.StartsWith("hw.csv:2", error.Message);
    }
}
