using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Catalog;

public class CalibrationCatalogTests
{
    private static readonly SimCatalog Catalog = SimCatalog.Default;

    [Fact]
    public void An_H100_uses_its_fitted_calibration_without_a_warning()
    {
        var (calibration, warning) = Catalog.Calibrations.For(Catalog.Hardware.Get("H100-SXM"), Precision.BF16);
        Assert.Null(warning);
        Assert.Equal("hopper-vllm/bf16", calibration.Name);
        Assert.True(calibration.IsFitted);
        Assert.NotEmpty(calibration.FittedOn);
    }

    [Fact]
    public void An_uncalibrated_accelerator_gets_the_generic_row_and_a_warning_naming_it()
    {
        var (calibration, warning) = Catalog.Calibrations.For(Catalog.Hardware.Get("L40S"), Precision.FP8);
        Assert.False(calibration.IsFitted);
        Assert.Equal("generic/fp8", calibration.Name);
        Assert.Contains("uncalibrated: L40S", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_warning_quotes_the_first_sentence_of_the_row_it_borrows_and_says_where_the_rest_is()
    {
        // The generic row's source runs to ~800 characters; a capacity table over ten accelerators repeated it ten times.
        var (generic, warning) = Catalog.Calibrations.For(Catalog.Hardware.Get("L40S"), Precision.BF16);
        Assert.Contains("(generic/bf16: unfitted: the hopper-vllm/bf16 fractions of peak and overheads carried over unverified; `clustersim catalog calibrations` gives each row's source)", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(generic.Source, warning, StringComparison.Ordinal);
        Assert.True(warning!.Length < 400, warning);

        var (partly, partlyWarning) = Catalog.Calibrations.For(Catalog.Hardware.Get("TPU-v6e"), Precision.BF16);
        Assert.Equal("tpu-vllm/bf16", partly.Name);
        Assert.Contains(partly.Gist, partlyWarning, StringComparison.Ordinal);
        Assert.EndsWith(" …", partly.Gist, StringComparison.Ordinal);   // its first sentence is longer than a gist
        Assert.True(partly.Gist.Length <= ServingCalibration.GistLength + 2, partly.Gist);
    }

    [Fact]
    public void An_engine_row_no_run_of_its_precision_fitted_warns_as_a_vLLM_one_does()
    {
        // blackwell-sglang/fp8 carries SGLang's terms fitted on H200; under SGLang on a B200 it is used, and said to be partly calibrated.
        var (row, warning) = Catalog.Calibrations.For(Catalog.Hardware.Get("B200"), Precision.FP8, ServingEngine.Sglang);
        Assert.Equal("blackwell-sglang/fp8", row.Name);
        Assert.False(row.IsFitted);
        Assert.StartsWith("partly calibrated: B200 in fp8 uses blackwell-sglang/fp8", warning, StringComparison.Ordinal);

        var (fitted, none) = Catalog.Calibrations.For(Catalog.Hardware.Get("H200"), Precision.FP8, ServingEngine.Sglang, "0.5.12");
        Assert.Equal("hopper-sglang/fp8", fitted.Name);
        Assert.Null(none);
    }

    [Fact]
    public void Blackwell_Ultra_takes_the_Blackwell_family_rows()
    {
        // GB300 (B300) named no calibration, so its TensorRT-LLM FP4 runs ignored the FP4 row fitted on B200.
        var (trtllm, warning) = Catalog.Calibrations.For(Catalog.Hardware.Get("GB300"), Precision.INT4, ServingEngine.TensorRtLlm);
        Assert.Equal("blackwell-trtllm/int4", trtllm.Name);
        Assert.Null(warning);
        Assert.Equal(Catalog.Hardware.Get("B200").Calibration, Catalog.Hardware.Get("GB300").Calibration);
    }

    [Theory]
    [InlineData("fitted on two rows. The rest is generic.", "fitted on two rows")]
    [InlineData("fitted by `calibrate a.csv --parameters x`. Held out: B.", "fitted by `calibrate a.csv --parameters x`")]
    [InlineData("GEMM efficiency (0.5 of peak. Assumed) and floor. Then more.", "GEMM efficiency (0.5 of peak. Assumed) and floor")]
    [InlineData("no period at all", "no period at all")]
    public void A_gist_ends_at_the_first_sentence_outside_quotes_and_parentheses(string source, string gist) =>
        Assert.Equal(gist, new ServingCalibration { Id = "x", Precision = Precision.BF16, Factors = new EfficiencyFactors(), Source = source }.Gist);

    [Fact]
    public void The_engine_picks_the_family_row_and_a_missing_one_is_named()
    {
        foreach (string chip in new[] { "B200", "GB200" })
        {
            var (fp4, none) = Catalog.Calibrations.For(Catalog.Hardware.Get(chip), Precision.INT4, ServingEngine.TensorRtLlm);
            Assert.Equal("blackwell-trtllm/int4", fp4.Name);
            Assert.Null(none);

            // vLLM in FP8 and BF16 has derived rows (the generic ones with Blackwell's GEMM share), partly calibrated; INT8 none.
            foreach (Precision derived in new[] { Precision.FP8, Precision.BF16 })
            {
                var (vllm, warning) = Catalog.Calibrations.For(Catalog.Hardware.Get(chip), derived);
                Assert.Equal($"blackwell-vllm/{derived.ToString().ToLowerInvariant()}", vllm.Name);
                Assert.False(vllm.IsFitted);
                Assert.Contains("partly calibrated", warning, StringComparison.Ordinal);
            }

            var (eightBitInteger, noRow) = Catalog.Calibrations.For(Catalog.Hardware.Get(chip), Precision.INT8);
            Assert.Equal("generic/int8", eightBitInteger.Name);
            Assert.Contains("calibration 'blackwell-vllm' has no int8 row", noRow, StringComparison.Ordinal);
        }

        // A row fitted under the accelerator's own id (RTX-4090/bf16: its collectives) is its calibration; FP8 it lacks.
        var (eightBit, lacking) = Catalog.Calibrations.For(Catalog.Hardware.Get("RTX-4090"), Precision.FP8);
        Assert.Equal("generic/fp8", eightBit.Name);
        Assert.Contains("calibration 'RTX-4090' has no fp8 row", lacking, StringComparison.Ordinal);
        Assert.Contains("L4 names no calibration in the hardware catalog", Catalog.Calibrations.For(Catalog.Hardware.Get("L4"), Precision.FP8).Warning, StringComparison.Ordinal);

        Assert.Equal("hopper-trtllm/fp8", Catalog.Calibrations.For(Catalog.Hardware.Get("H200"), Precision.FP8, ServingEngine.TensorRtLlm).Calibration.Name);
        // 16-bit TensorRT-LLM on Hopper and Ampere has rows of its own (fitted on 0.12.0's overview); on Blackwell it falls
        // back, and says so.
        foreach (var (chip, row) in new[] { ("H100-SXM", "hopper-trtllm/bf16"), ("A100-80GB", "ampere-trtllm/bf16") })
        {
            var (sixteen, fitted) = Catalog.Calibrations.For(Catalog.Hardware.Get(chip), Precision.BF16, ServingEngine.TensorRtLlm);
            Assert.Equal(row, sixteen.Name);
            Assert.Null(fitted);
        }

        var (fallback, missing) = Catalog.Calibrations.For(Catalog.Hardware.Get("B200"), Precision.BF16, ServingEngine.TensorRtLlm);
        Assert.Equal("generic/bf16", fallback.Name);
        Assert.Contains("no TensorRT-LLM calibration 'blackwell-trtllm' for bf16", missing, StringComparison.Ordinal);
    }

    [Fact]
    public void TensorRT_LLM_on_Hopper_streams_memory_at_the_fractions_the_measured_vLLM_runs_gave()
    {
        // Weight streaming and KV reading are properties of the HBM and of decode kernels of the same kind, fitted on measured
        // runs in hopper-vllm/bf16; hopper-trtllm/fp8's two fit rows cannot separate them, so it carries them. A refit of
        // either row that moves them apart fails here, as a reminder to refit the other.
        Assert.True(Catalog.Calibrations.TryGet("hopper-vllm", Precision.BF16, out ServingCalibration vllm));
        Assert.True(Catalog.Calibrations.TryGet("hopper-trtllm", Precision.FP8, out ServingCalibration trt));
        Assert.Equal(vllm.Factors.Memory, trt.Factors.Memory);
        Assert.Equal(vllm.Factors.KvRead, trt.Factors.KvRead);
        Assert.NotEqual(vllm.Factors.Compute, trt.Factors.Compute);   // its own: the FP8 GEMMs, fitted on its rows
    }

    [Theory]
    [InlineData("A100-80GB-PCIe", "ampere-vllm/bf16")]
    [InlineData("H100-NVL", "hopper-vllm/bf16")]
    public void PCIe_cards_run_on_their_silicons_calibration(string id, string calibration)
    {
        var (row, warning) = Catalog.Calibrations.For(Catalog.Hardware.Get(id), Precision.BF16);
        Assert.Null(warning);
        Assert.Equal(calibration, row.Name);
    }

    [Fact]
    public void SGLang_borrows_vLLMs_row_with_a_warning_until_its_own_row_is_fitted()
    {
        var (borrowed, warning) = Catalog.Calibrations.For(Catalog.Hardware.Get("A100-80GB"), Precision.BF16, ServingEngine.Sglang);
        Assert.Equal("ampere-vllm/bf16", borrowed.Name);
        Assert.StartsWith("uncalibrated: no SGLang calibration 'ampere-sglang' for bf16", warning, StringComparison.Ordinal);
        Assert.Contains("ampere-vllm/bf16", warning, StringComparison.Ordinal);

        // Where vLLM's row is itself the generic one, both warnings are kept.
        var (generic, both) = Catalog.Calibrations.For(Catalog.Hardware.Get("L40S"), Precision.FP8, ServingEngine.Sglang);
        Assert.Equal("generic/fp8", generic.Name);
        Assert.StartsWith("uncalibrated: L40S", both, StringComparison.Ordinal);
        Assert.Contains("no SGLang calibration 'L40S-sglang'", both, StringComparison.Ordinal);

        const string text = "id,precision,gemm_efficiency,gemm_half_tokens,memory_efficiency,attention_efficiency,kv_read_efficiency,link_efficiency,allreduce_step_latency_us,step_overhead_ms,sequence_overhead_us,request_overhead_ms,fitted_on,source\n"
            + "hopper-sglang,bf16,0.7,64,0.8,0.45,0.85,0.5,12,0.4,2,15,a/0,mine\n";
        // Hopper in BF16 has SGLang's row, derived and not fitted: vLLM's BF16 fractions of peak under SGLang's own expert
        // tile and step cost (fitted in FP8), said to be partly calibrated.
        var (derived, partly) = Catalog.Calibrations.For(Catalog.Hardware.Get("H100-SXM"), Precision.BF16, ServingEngine.Sglang);
        ServingCalibration vllm = Catalog.Calibrations.For(Catalog.Hardware.Get("H100-SXM"), Precision.BF16).Calibration;
        ServingCalibration sglangFp8 = Catalog.Calibrations.For(Catalog.Hardware.Get("H100-SXM"), Precision.FP8, ServingEngine.Sglang).Calibration;
        Assert.Equal("hopper-sglang/bf16", derived.Name);
        Assert.False(derived.IsFitted);
        Assert.StartsWith("partly calibrated: H100-SXM in bf16 uses hopper-sglang/bf16", partly, StringComparison.Ordinal);
        Assert.Equal(vllm.Factors.Compute, derived.Factors.Compute);
        Assert.Equal(vllm.Factors.Memory, derived.Factors.Memory);
        Assert.Equal(vllm.Factors.KvRead, derived.Factors.KvRead);
        Assert.Equal(sglangFp8.Factors.ExpertHalfTokens, derived.Factors.ExpertHalfTokens);
        Assert.Equal(sglangFp8.Factors.IterationOverheadSeconds, derived.Factors.IterationOverheadSeconds);

        CalibrationCatalog mine = Catalog.Calibrations.With(CsvTable.Parse(new StringReader(text), "cal.csv"));
        var (own, none) = mine.For(Catalog.Hardware.Get("H100-SXM"), Precision.BF16, ServingEngine.Sglang);
        Assert.Null(none);
        Assert.Equal("hopper-sglang/bf16", own.Name);
        Assert.Equal(0.4e-3, own.Factors.IterationOverheadSeconds, 12);
    }

    [Fact]
    public void MI300X_and_MI325X_run_on_the_row_fitted_on_AMD_results_in_FP8_and_warn_in_BF16()
    {
        foreach (string chip in new[] { "MI300X", "MI325X" })
        {
            var (fp8, none) = Catalog.Calibrations.For(Catalog.Hardware.Get(chip), Precision.FP8);
            Assert.Equal("cdna3-vllm/fp8", fp8.Name);
            Assert.True(fp8.IsFitted);
            Assert.Null(none);

            // BF16 keeps the family's format-independent factors (vLLM-on-ROCm's overheads, HBM fractions), unfitted: it warns.
            var (bf16, warning) = Catalog.Calibrations.For(Catalog.Hardware.Get(chip), Precision.BF16);
            Assert.Equal("cdna3-vllm/bf16", bf16.Name);
            Assert.False(bf16.IsFitted);
            Assert.StartsWith($"partly calibrated: {chip} in bf16 uses cdna3-vllm/bf16, which no measured run of that precision fitted", warning, StringComparison.Ordinal);
            Assert.Equal(fp8.Factors.SequenceOverheadSeconds, bf16.Factors.SequenceOverheadSeconds);
            Assert.Equal(fp8.Factors.Memory, bf16.Factors.Memory);
        }
    }

    [Fact]
    public void A_calibration_fitted_under_an_accelerator_id_applies_to_it()
    {
        const string text = "id,precision,gemm_efficiency,gemm_half_tokens,memory_efficiency,attention_efficiency,kv_read_efficiency,link_efficiency,allreduce_step_latency_us,step_overhead_ms,sequence_overhead_us,request_overhead_ms,fitted_on,source\n"
            + "L40S,bf16,0.6,64,0.8,0.4,0.7,0.6,30,1.5,5,15,a/0,mine\n";
        CalibrationCatalog mine = Catalog.Calibrations.With(CsvTable.Parse(new StringReader(text), "cal.csv"));
        var (calibration, warning) = mine.For(Catalog.Hardware.Get("L40S"), Precision.BF16);
        Assert.Null(warning);
        Assert.Equal(30e-6, calibration.Factors.CollectiveLatencySeconds, 12);
        Assert.Equal(0, calibration.Factors.CollectiveLaunchSeconds);   // an optional column: no launch when absent

        CalibrationCatalog launched = Catalog.Calibrations.With(CsvTable.Parse(new StringReader(text.Replace("allreduce_step_latency_us,", "allreduce_step_latency_us,collective_launch_us,", StringComparison.Ordinal).Replace(",30,", ",30,12.5,", StringComparison.Ordinal)), "cal.csv"));
        Assert.Equal(12.5e-6, launched.For(Catalog.Hardware.Get("L40S"), Precision.BF16).Calibration.Factors.CollectiveLaunchSeconds, 12);
    }

    [Theory]
    [InlineData("hopper-trtllm@0.x", "fp8")]
    [InlineData("hopper-trtllm", "bf16")]
    [InlineData("ampere-trtllm", "bf16")]
    public void TensorRT_LLMs_2024_collectives_pay_a_launch_an_all_reduce(string id, string precision)
    {
        // Fitted on TensorRT-LLM 0.9.0's Llama 2 70B FP8 runs on 2-8 H100 (4 December 2026) and carried to its 16-bit rows.
        ServingCalibration row = Catalog.Calibrations.All.Single(c => c.Id == id && c.Precision.ToString().Equals(precision, StringComparison.OrdinalIgnoreCase));
        Assert.InRange(row.Factors.CollectiveLaunchSeconds, 15e-6, 25e-6);
        Assert.InRange(row.Factors.CollectiveLatencySeconds, 1e-6, 2.5e-6);
        Assert.InRange(row.Factors.Link, 0.3, 0.4);
        Assert.Equal(0, Catalog.Calibrations.All.Single(c => c.Id == "hopper-vllm" && c.Precision == Precision.BF16).Factors.CollectiveLaunchSeconds);
    }

    [Theory]
    [InlineData("fp9,", "", "cal.csv:2: field 'precision': 'fp9' is not one of bf16, fp8, int8, int4")]
    [InlineData("fp8,", "latest", "cal.csv:2: field 'fitted_release': 'latest' is not a release number such as 0.5.12 or 1.0")]
    public void A_bad_calibration_cell_is_located(string precision, string fittedRelease, string message)
    {
        string text = "id,precision,gemm_efficiency,gemm_half_tokens,memory_efficiency,attention_efficiency,kv_read_efficiency,link_efficiency,allreduce_step_latency_us,step_overhead_ms,sequence_overhead_us,request_overhead_ms,fitted_on,fitted_release,source\n"
            + $"x,{precision}0.6,64,0.8,0.4,0.7,0.6,30,1.5,5,15,a/0,{fittedRelease},mine\n";
        var e = Assert.Throws<CatalogException>(() => Catalog.Calibrations.With(CsvTable.Parse(new StringReader(text), "cal.csv")));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void SGLang_on_CDNA3_in_FP8_runs_on_its_own_row_fitted_on_InferenceX_MI300X_runs()
    {
        foreach (string chip in new[] { "MI300X", "MI325X" })
        {
            var (row, none) = Catalog.Calibrations.For(Catalog.Hardware.Get(chip), Precision.FP8, ServingEngine.Sglang, "0.5.12");
            Assert.Equal("cdna3-sglang/fp8", row.Name);
            Assert.True(row.IsFitted);
            Assert.False(row.IsUserFit);
            Assert.Null(none);
            Assert.Contains("ix-dsr1-mi300x-", row.FittedOn, StringComparison.Ordinal);
            Assert.DoesNotContain("ix-dsr1-mi325x-", row.FittedOn, StringComparison.Ordinal);   // MI325X's runs are held out
        }
    }

    [Theory]
    [InlineData("0.5.9", "cdna3-sglang@0.5.9/fp8", false)]
    [InlineData("v0.5.9-rocm700-mi30x", "cdna3-sglang@0.5.9/fp8", false)]
    [InlineData("0.5.10", "cdna3-sglang/fp8", true)]    // between the two fits: the newer row, warned
    [InlineData("0.5.6", "cdna3-sglang@0.5.9/fp8", true)]    // older than every release row: the oldest, warned
    [InlineData("0.5.12", "cdna3-sglang/fp8", false)]
    [InlineData("0.6.0", "cdna3-sglang/fp8", false)]
    [InlineData("", "cdna3-sglang/fp8", false)]
    public void An_older_SGLang_release_on_CDNA3_takes_the_row_fitted_on_it(string release, string expected, bool warned)
    {
        foreach (string chip in new[] { "MI300X", "MI325X" })
        {
            var (row, warning) = Catalog.Calibrations.For(Catalog.Hardware.Get(chip), Precision.FP8, ServingEngine.Sglang, release);
            Assert.Equal(expected, row.Name);
            Assert.Equal(warned, warning is not null);
            if (warned)
            {
                Assert.Contains("predates", warning!, StringComparison.Ordinal);
            }
        }

        // The 0.5.9 row is fitted on MI300X's 0.5.9 runs only (MI325X's are held out) and differs from the newer row in the
        // two terms the releases changed: a slower kernel floor and a faster latent attention.
        ServingCalibration older = Catalog.Calibrations.All.Single(c => c.Name == "cdna3-sglang@0.5.9/fp8");
        ServingCalibration newer = Catalog.Calibrations.All.Single(c => c.Name == "cdna3-sglang/fp8");
        Assert.Equal("0.5.9", older.FittedRelease);
        Assert.Contains("ix-dsr1-mi300x-sglang-0.5.9-", older.FittedOn, StringComparison.Ordinal);
        Assert.DoesNotContain("mi325x", older.FittedOn, StringComparison.Ordinal);
        Assert.InRange(older.Factors.GemmKernelSeconds / newer.Factors.GemmKernelSeconds, 2.0, 3.5);
        Assert.InRange(older.Factors.MlaAttention / newer.Factors.MlaAttention, 1.5, 3.0);
        Assert.Equal(newer.Factors with { GemmKernelSeconds = 0, MlaAttention = 0 }, older.Factors with { GemmKernelSeconds = 0, MlaAttention = 0 });
    }

    [Fact]
    public void A_release_row_stands_aside_for_the_users_own_fit_and_serves_vLLM_rows_too()
    {
        AcceleratorSpec mi300x = Catalog.Hardware.Get("MI300X");
        const string header = "id,precision,gemm_efficiency,gemm_half_tokens,memory_efficiency,attention_efficiency,kv_read_efficiency,link_efficiency,allreduce_step_latency_us,step_overhead_ms,sequence_overhead_us,request_overhead_ms,fitted_on,fitted_release,source\n";
        string mine = header + "cdna3-sglang,fp8,0.3,64,0.7,0.45,0.7,0.5,2,4.0,1,0,my-run/all,,clustersim calibrate my-run\n";
        var (own, none) = Catalog.Calibrations.With(CsvTable.Parse(new StringReader(mine), "cal.csv")).For(mi300x, Precision.FP8, ServingEngine.Sglang, "0.5.9");
        Assert.Equal(("cdna3-sglang/fp8", 4.0e-3), (own.Name, own.Factors.IterationOverheadSeconds));
        Assert.Null(none);

        // vLLM's rows take release rows the same way: the earliest fitted on the release in use or a later one.
        string releases = header
            + "cdna3-vllm@0.6.4,fp8,0.3,64,0.7,0.45,0.7,0.5,2,5.0,1,0,a/all,0.6.4,older\n"
            + "cdna3-vllm@0.8.5,fp8,0.3,64,0.7,0.45,0.7,0.5,2,3.0,1,0,b/all,0.8.5,later\n";
        CalibrationCatalog withReleases = Catalog.Calibrations.With(CsvTable.Parse(new StringReader(releases), "cal.csv"));
        Assert.Equal("cdna3-vllm@0.6.4/fp8", withReleases.For(mi300x, Precision.FP8, ServingEngine.Vllm, "0.6.4").Calibration.Name);
        Assert.Equal("cdna3-vllm@0.8.5/fp8", withReleases.For(mi300x, Precision.FP8, ServingEngine.Vllm, "0.7.3").Calibration.Name);
        Assert.Equal("cdna3-vllm@0.8.5/fp8", withReleases.For(mi300x, Precision.FP8, ServingEngine.Vllm, "0.8.5").Calibration.Name);
        Assert.Equal("cdna3-vllm/fp8", withReleases.For(mi300x, Precision.FP8, ServingEngine.Vllm, "0.9.0").Calibration.Name);   // the newest row names no release: a later release than every release row takes it
        Assert.Equal("cdna3-vllm/fp8", withReleases.For(mi300x, Precision.FP8, ServingEngine.Vllm).Calibration.Name);
        Assert.Equal("cdna3-vllm/bf16", withReleases.For(mi300x, Precision.BF16, ServingEngine.Vllm, "0.6.4").Calibration.Name);   // release rows are per precision
    }

    [Fact]
    public void A_calibration_with_a_whole_all_reduce_latency_is_refused_with_the_conversion()
    {
        // The former column held the latency of a whole all-reduce; read as one ring step it would be charged 2(n−1) times.
        const string text = "id,precision,gemm_efficiency,gemm_half_tokens,memory_efficiency,attention_efficiency,kv_read_efficiency,link_efficiency,allreduce_latency_us,step_overhead_ms,sequence_overhead_us,request_overhead_ms,fitted_on,source\n"
            + "L40S,bf16,0.6,64,0.8,0.4,0.7,0.6,30,1.5,5,15,a/0,mine\n";
        var e = Assert.Throws<CatalogException>(() => Catalog.Calibrations.With(CsvTable.Parse(new StringReader(text), "old.csv")));
        Assert.StartsWith("old.csv:1: field 'allreduce_latency_us': ", e.Message, StringComparison.Ordinal);
        Assert.Contains("'allreduce_step_latency_us'", e.Message, StringComparison.Ordinal);
        Assert.Contains("divided by 2(n−1)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("meta-llama/Llama-2-7b-hf", "llama-2-7b")]
    [InlineData("Llama-2-7b-hf", "llama-2-7b")]
    [InlineData("RedHatAI/Llama-4-Scout-17B-16E-Instruct-FP8-dynamic", "llama-4-scout")]
    [InlineData("Qwen/Qwen3-30B-A3B", "qwen3-30b-a3b")]
    [InlineData("mixtral-8x7b", "mixtral-8x7b")]
    [InlineData("RedHatAI/Mixtral-8x7B-Instruct-v0.1-FP8", "mixtral-8x7b")]
    [InlineData("Qwen/Qwen3-14B-FP8", "qwen3-14b")]
    [InlineData("someone/Llama-3.1-70B-Instruct-AWQ", "llama-3.1-70b")]
    [InlineData("RedHatAI/Meta-Llama-3.1-8B-Instruct-FP8", "llama-3.1-8b")]
    [InlineData("mistralai/Mistral-7B-Instruct-v0.3", "mistral-7b")]
    [InlineData("Qwen/Qwen3-30B-A3B-Instruct-2507", "qwen3-30b-a3b")]
    [InlineData("deepseek-ai/DeepSeek-R1-Distill-Llama-70B", "llama-3.3-70b")]
    [InlineData("RedHatAI/Llama-4-Maverick-17B-128E-Instruct-FP8", "llama-4-maverick")]
    [InlineData("ibm-granite/granite-3.3-8b-instruct", "granite-3.1-8b")]
    [InlineData("Qwen/QwQ-32B", "qwen2.5-32b")]
    [InlineData("meta-llama/Meta-Llama-3-8B-Instruct", "llama-3.1-8b")]
    [InlineData("RedHatAI/Llama-3.3-70B-Instruct-quantized.w4a16", "llama-3.3-70b")]
    [InlineData("RedHatAI/Mistral-Small-3.1-24B-Instruct-2503-quantized.w8a8", "mistral-small-24b")]
    [InlineData("RedHatAI/phi-4-quantized.w4a16", "phi-4")]
    [InlineData("amd/Llama-3.1-70B-Instruct-FP8-KV", "llama-3.1-70b")]
    [InlineData("unsloth/Meta-Llama-3.1-8B-Instruct-bnb-4bit", "llama-3.1-8b")]
    [InlineData("nvidia/Llama-3.1-Nemotron-70B-Instruct-HF", "llama-3.1-70b")]
    [InlineData("RedHatAI/Llama-3.1-Nemotron-70B-Instruct-HF-FP8-dynamic", "llama-3.1-70b")]
    [InlineData("meta-llama/Meta-Llama-3-70B-Instruct", "llama-3.1-70b")]
    [InlineData("lmsys/vicuna-13b-v1.5", "llama-2-13b")]
    [InlineData("Qwen/Qwen2.5-0.5B-Instruct", "qwen2.5-0.5b")]
    [InlineData("Qwen/Qwen2.5-1.5B-Instruct", "qwen2.5-1.5b")]
    [InlineData("Qwen/Qwen2.5-3B-Instruct", "qwen2.5-3b")]
    [InlineData("microsoft/Phi-3-mini-4k-instruct", "phi-3-mini")]
    [InlineData("microsoft/Phi-3-medium-128k-instruct", "phi-3-medium")]
    [InlineData("Qwen/Qwen3-Coder-30B-A3B-Instruct", "qwen3-30b-a3b")]
    [InlineData("Qwen/Qwen2-7B-Instruct", "qwen2.5-7b")]
    [InlineData("Qwen/Qwen2-72B-Instruct-AWQ", "qwen2.5-72b")]
    [InlineData("01-ai/Yi-1.5-34B-Chat", "yi-34b")]
    [InlineData("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "deepseek-r1-distill-qwen-1.5b")]   // untied embeddings: not Qwen2.5-1.5B
    [InlineData("codellama/CodeLlama-70b-Instruct-hf", "codellama-70b")]
    [InlineData("mistralai/Mistral-Large-Instruct-2411", "mistral-large-123b")]
    [InlineData("google/gemma-7b-it", "gemma-7b")]
    [InlineData("facebook/opt-125m", "opt-125m")]
    [InlineData("TinyLlama/TinyLlama-1.1B-Chat-v1.0", "tinyllama-1.1b")]
    [InlineData("deepseek-ai/DeepSeek-V2-Lite-Chat", "deepseek-v2-lite")]
    [InlineData("moonshotai/Kimi-K2-Instruct", "kimi-k2")]
    [InlineData("Qwen/Qwen3-235B-A22B-Thinking-2507", "qwen3-235b-a22b")]   // a thinking checkpoint of the same network
    [InlineData("Qwen/Qwen3-Next-80B-A3B-Instruct", "qwen3-next-80b-a3b")]
    [InlineData("Qwen/Qwen3-Next-80B-A3B-Thinking-FP8", "qwen3-next-80b-a3b")]
    [InlineData("MiniMaxAI/MiniMax-M2", "minimax-m2")]
    [InlineData("MiniMaxAI/MiniMax-M2.5", "minimax-m2")]
    [InlineData("mistralai/Mistral-Small-3.2-24B-Instruct-2506", "mistral-small-24b")]
    public void Models_resolve_by_id_Hugging_Face_name_or_a_quantised_checkpoint_of_it(string name, string id)
    {
        Assert.True(Catalog.Models.TryResolve(name, out ModelSpec spec));
        Assert.Equal(id, spec.Id);
    }

    [Theory]
    [InlineData("llama-3")]          // which one?
    [InlineData("Qwen/Qwen3-31B")]   // no such size
    [InlineData("llama-3.1-8b-v2x")] // not a revision token
    [InlineData("2024")]             // nothing left once the date is dropped
    public void Names_that_do_not_identify_one_network_do_not_resolve(string name) =>
        Assert.False(Catalog.Models.TryResolve(name, out _));

    [Theory]
    [InlineData("NVIDIA A100 40GB PCIe")]   // another card (PCIe, 250 W), not in the catalog
    [InlineData("NVIDIA H200 NVL")]
    [InlineData("A10G")]   // AWS's variant of the A10, whose figures NVIDIA does not publish
    [InlineData("TPU-v8")]   // a generation is another chip, not a revision of TPU v4 (as TPU-v7 once resolved)
    [InlineData("TPU v7x")]
    [InlineData("tpu-v5")]   // v5e or v5p?
    [InlineData("TPU")]
    [InlineData("NVIDIA")]   // a vendor alone names no chip
    [InlineData("AMD Instinct")]
    [InlineData("2025")]
    public void Accelerators_not_in_the_catalog_do_not_resolve_to_a_neighbour(string name) =>
        Assert.False(Catalog.Hardware.TryResolve(name, out _));

    [Theory]
    [InlineData("H100", "H100-SXM")]
    [InlineData("A100-80GB", "A100-80GB")]
    [InlineData("A100", "A100-80GB")]
    [InlineData("H200-SXM-141GB", "H200")]
    [InlineData("H100-PCIe", "H100-PCIe")]
    [InlineData("NVIDIA A100-SXM4-80GB", "A100-80GB")]
    [InlineData("NVIDIA A100-SXM4-40GB", "A100-40GB")]
    [InlineData("NVIDIA H100 80GB HBM3", "H100-SXM")]
    [InlineData("NVIDIA L40S", "L40S")]
    [InlineData("NVIDIA L40", "L40")]
    [InlineData("L40S-48GB", "L40S")]
    [InlineData("AMD Instinct MI300X", "MI300X")]
    [InlineData("Trillium", "TPU-v6e")]
    [InlineData("v5litepod", "TPU-v5e")]
    [InlineData("TPU v5p", "TPU-v5p")]
    [InlineData("tpu_v6e", "TPU-v6e")]
    [InlineData("TPU-v7", "TPU7x")]
    [InlineData("Ironwood", "TPU7x")]
    [InlineData("Intel Gaudi 3", "Gaudi3")]
    [InlineData("NVIDIA A100 80GB PCIe", "A100-80GB-PCIe")]
    [InlineData("NVIDIA H100 NVL", "H100-NVL")]
    [InlineData("A100 80GB", "A100-80GB")]   // the PCIe card's names do not take the SXM card's
    [InlineData("NVIDIA A10", "A10")]
    [InlineData("Tesla T4", "T4")]
    [InlineData("Tesla V100-SXM2-32GB", "V100-SXM2-32GB")]
    [InlineData("AMD Instinct MI355X", "MI355X")]
    [InlineData("NVIDIA GH200 480GB", "GH200")]
    [InlineData("NVIDIA GeForce RTX 4090", "RTX-4090")]
    [InlineData("NVIDIA RTX 6000 Ada Generation", "RTX-6000-Ada")]
    [InlineData("NVIDIA A40", "A40")]
    [InlineData("NVIDIA RTX A6000", "RTX-A6000")]
    public void Accelerators_resolve_by_id_or_alias(string name, string id)
    {
        Assert.True(Catalog.Hardware.TryResolve(name, out AcceleratorSpec spec));
        Assert.Equal(id, spec.Id);
    }

    [Theory]
    [InlineData("NVIDIA A10G")]   // AWS's variant of A10, its own tensor rate: not A10's row
    [InlineData("NVIDIA RTX 6000")]   // Turing's Quadro RTX 6000, not the Ada card
    [InlineData("NVIDIA GeForce RTX 4080")]
    public void A_card_the_catalog_lacks_is_not_taken_for_a_neighbour(string name) =>
        Assert.False(Catalog.Hardware.TryResolve(name, out _), name);

    [Fact]
    public void Memory_is_what_the_device_exposes_in_GiB()
    {
        Assert.InRange(Catalog.Hardware.Get("H100-SXM").MemoryBytes, 81_559.0 * 1024 * 1024 * 0.9999, 81_559.0 * 1024 * 1024 * 1.0001);
        Assert.Equal(80.0 * 1024 * 1024 * 1024, Catalog.Hardware.Get("A100-80GB").MemoryBytes, 0);
    }

    [Fact]
    public void A_TensorRT_LLM_release_takes_the_row_fitted_on_its_series_unless_the_user_fitted_the_row_it_stands_for()
    {
        AcceleratorSpec h100 = Catalog.Hardware.Get("H100-SXM");
        var (older, warning) = Catalog.Calibrations.For(h100, Precision.FP8, ServingEngine.TensorRtLlm, "0.9.0");
        Assert.Equal("hopper-trtllm@0.x/fp8", older.Name);
        Assert.Null(warning);
        Assert.Equal(1.3156e-3, older.Factors.IterationOverheadSeconds, 9);   // the 0.x runtime's step beside its kernel floor (refitted 5 December 2026 with decode attention one block a head); 1.x's row keeps 1.0 ms
        Assert.Equal(3.3217e-6, older.Factors.SequenceOverheadSeconds, 12);
        Assert.Equal(4e-6, older.Factors.GemmKernelSeconds, 12);
        Assert.Equal("hopper-trtllm/fp8", Catalog.Calibrations.For(h100, Precision.FP8, ServingEngine.TensorRtLlm, "1.2.0").Calibration.Name);
        Assert.Equal("hopper-trtllm/fp8", Catalog.Calibrations.For(h100, Precision.FP8, ServingEngine.TensorRtLlm).Calibration.Name);
        Assert.Equal("hopper-trtllm/bf16", Catalog.Calibrations.For(h100, Precision.BF16, ServingEngine.TensorRtLlm, "0.9.0").Calibration.Name);   // no 0.x row: the 0.12-fitted one

        // A user's own fit of hopper-trtllm/fp8 fits the release in use and wins over the shipped series row.
        const string mine = "id,precision,gemm_efficiency,gemm_half_tokens,memory_efficiency,attention_efficiency,kv_read_efficiency,link_efficiency,allreduce_step_latency_us,step_overhead_ms,sequence_overhead_us,request_overhead_ms,fitted_on,source\n"
            + "hopper-trtllm,fp8,0.5,64,0.8,0.45,0.8,0.5,6,3.0,1,0,my-run/all,clustersim calibrate my-run\n";
        CalibrationCatalog withMine = Catalog.Calibrations.With(CsvTable.Parse(new StringReader(mine), "cal.csv"));
        var (own, none) = withMine.For(h100, Precision.FP8, ServingEngine.TensorRtLlm, "0.9.0");
        Assert.Equal(("hopper-trtllm/fp8", 3.0e-3), (own.Name, own.Factors.IterationOverheadSeconds));
        Assert.Null(none);
    }
}

