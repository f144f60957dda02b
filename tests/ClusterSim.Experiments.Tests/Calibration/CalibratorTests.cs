using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Calibration;
using ClusterSim.Experiments.Replay;

namespace ClusterSim.Experiments.Tests.Calibration;

/// <summary>
/// Round trip: measurements made by the simulator with known factors are fitted from a wrong start, and the fit recovers
/// the factors; its CSV reads back into the catalog.
/// </summary>
public class CalibratorTests
{
    private static readonly EfficiencyFactors Truth = SimCatalog.Default.Calibrations.All.First(c => c.Name == "hopper-vllm/bf16").Factors
        with { Memory = 0.66, IterationOverheadSeconds = 0.003, RequestOverheadSeconds = 0.012 };

    /// <summary>Measured rows of two small runs (Llama 3.1 8B on one H100, Yi 34B on two: weights per accelerator differ 2x, so memory and step overhead separate), their means simulated with <see cref="Truth"/>.</summary>
    private static IReadOnlyList<ReplayCase> SyntheticCases()
    {
        const string header = "exp_id,stage,model,gpu,tp,dtype,max_num_seqs,max_num_batched_tokens,rate_rps_or_concurrency,duration_s,input_len_mean,output_len_mean,stage_schedule\n";
        string text = header
            + "a,all,meta-llama/Llama-3.1-8B-Instruct,H100,1,FP16,128,2048,,60,700,200,4 rps x 30 s; 12 rps x 30 s\n"
            + "b,all,01-ai/Yi-34B,H100,2,FP16,128,2048,,60,1500,120,2 rps x 30 s; 5 rps x 30 s\n";
        var (cases, skipped) = ReplayCase.Build(MeasuredRunFile.Parse(new StringReader(text), "synthetic.csv"), SimCatalog.Default);
        Assert.Empty(skipped);
        return MeasuredWith(cases, Truth);
    }

    /// <summary>The cases with each row's mean latencies as the simulator gives them with <paramref name="truth"/>: measurements whose factors are known.</summary>
    private static IReadOnlyList<ReplayCase> MeasuredWith(IEnumerable<ReplayCase> cases, EfficiencyFactors truth) =>
        cases.Select(c => c with { Rows = ReplayRunner.Run(c, truth).Select(r => r.Row with { TtftMs = r.Simulated.TtftMs, ItlMs = r.Simulated.ItlMs, E2eMs = r.Simulated.E2eMs }).ToList() }).ToList();

    [Fact]
    public void A_fit_on_simulated_measurements_recovers_the_factors()
    {
        IReadOnlyList<ReplayCase> cases = SyntheticCases();
        var start = Truth with { Memory = 0.85, IterationOverheadSeconds = 0.001, RequestOverheadSeconds = 0.03 };
        CalibrationFit fit = Calibrator.Fit(cases, start, FitParameter.Parse("memory_efficiency,step_overhead_ms,request_overhead_ms"), maxEvaluations: 250, tolerance: 1e-7);

        Assert.InRange(fit.Factors.Memory, 0.66 * 0.97, 0.66 * 1.03);
        Assert.InRange(fit.Factors.IterationOverheadSeconds, 0.003 * 0.85, 0.003 * 1.15);
        // Arrivals join whole steps, so the loss is flat to under 1e-6 for a few percent of front end around the truth (the
        // fit stops at 11.3 ms, loss 7e-7, against 0 at 12 ms): recovered within 6 %.
        Assert.InRange(fit.Factors.RequestOverheadSeconds, 0.012 * 0.94, 0.012 * 1.06);
        Assert.True(fit.Objective < 1e-4, $"objective {fit.Objective}");
        Assert.True(Calibrator.Loss(cases, start, double.PositiveInfinity) > 100 * fit.Objective);
    }

    [Fact]
    public void Offline_rows_that_publish_only_their_throughput_are_fitted_on_it()
    {
        // An offline benchmark (every request at once) published as output tokens a second alone, as trtllm-bench's
        // overview is: measured here by the simulator with a GEMM efficiency of 0.55, fitted from 0.8.
        const string text = "exp_id,stage,model,gpu,tp,dtype,engine,arrival,n_requests,max_num_seqs,max_num_batched_tokens,input_len_mean,output_len_mean\n"
            + "p,all,meta-llama/Llama-3.1-8B-Instruct,H100,1,FP16,tensorrt-llm,offline,400,256,8192,2048,128\n"
            + "q,all,mistralai/Mistral-7B-v0.1,H100,1,FP16,tensorrt-llm,offline,400,256,8192,2048,64\n";
        var (built, skipped) = ReplayCase.Build(MeasuredRunFile.Parse(new StringReader(text), "offline.csv"), SimCatalog.Default);
        Assert.Empty(skipped);
        EfficiencyFactors truth = built[0].Calibration.Factors with { Compute = 0.55 };
        var cases = built.Select(c => c with { Rows = ReplayRunner.Run(c, truth).Select(r => r.Row with { ThroughputTokensPerSecond = r.Simulated.OutputTokensPerSecond }).ToList() }).ToList();
        Assert.All(cases.SelectMany(c => c.Rows), r => Assert.Null(r.TtftMs));

        EfficiencyFactors start = truth with { Compute = 0.8 };
        Assert.True(double.IsFinite(Calibrator.Loss(cases, start, double.PositiveInfinity)));
        CalibrationFit fit = Calibrator.Fit(cases, start, FitParameter.Parse("gemm_efficiency"), maxEvaluations: 120, tolerance: 1e-8);
        Assert.InRange(fit.Factors.Compute, 0.55 * 0.98, 0.55 * 1.02);

        // Rows with neither a latency nor a throughput leave nothing to fit, and say so rather than return the start.
        var bare = cases.Select(c => c with { Rows = c.Rows.Select(r => r with { ThroughputTokensPerSecond = null }).ToList() }).ToList();
        var error = Assert.Throws<ArgumentException>(() => Calibrator.Fit(bare, start, FitParameter.Parse("gemm_efficiency"), maxEvaluations: 20));
        Assert.Equal(Calibrator.NoMetric, error.Message);
    }

    [Fact]
    public void The_metrics_asked_for_are_the_ones_scored()
    {
        // TTFT measured 40 % high (a front end or stalls the model has no cause for) and ITL and E2E as simulated: scored
        // on ITL and E2E alone the truth is a perfect fit, and a fit of the step overhead on them recovers it.
        IReadOnlyList<ReplayCase> cases = SyntheticCases()
            .Select(c => c with { Rows = ReplayRunner.Run(c, Truth).Select(r => r.Row with { TtftMs = r.Simulated.TtftMs * 1.4, TtftP50Ms = r.Simulated.TtftP50Ms }).ToList() }).ToList();
        Assert.True(Calibrator.Loss(cases, Truth, double.PositiveInfinity) > 0.01);
        Assert.Equal(0, Calibrator.Loss(cases, Truth, double.PositiveInfinity, FitMetrics.Itl | FitMetrics.E2e), 12);
        Assert.Equal(0, Calibrator.Loss(cases, Truth, double.PositiveInfinity, FitMetrics.TtftMedian), 12);   // the median was measured as simulated

        var start = Truth with { IterationOverheadSeconds = 0.001 };
        CalibrationFit fit = Calibrator.Fit(cases, start, FitParameter.Parse("step_overhead_ms"), maxEvaluations: 120, tolerance: 1e-8, metrics: FitMetrics.Itl | FitMetrics.E2e);
        Assert.InRange(fit.Factors.IterationOverheadSeconds, 0.003 * 0.97, 0.003 * 1.03);

        // A row scores only what it publishes under the metrics asked for; throughput stands in for latencies only by default.
        MeasuredRun throughputOnly = cases[0].Rows[0] with { TtftMs = null, TtftP50Ms = null, ItlMs = null, E2eMs = null, ThroughputTokensPerSecond = 1000 };
        Assert.True(Calibrator.Measured(throughputOnly));
        Assert.False(Calibrator.Measured(throughputOnly, FitMetrics.Itl));
        Assert.True(Calibrator.Measured(throughputOnly, FitMetrics.Itl | FitMetrics.Throughput));
        var bare = cases.Select(c => c with { Rows = c.Rows.Select(r => r with { ItlMs = null }).ToList() }).ToList();
        var error = Assert.Throws<ArgumentException>(() => Calibrator.Fit(bare, start, FitParameter.Parse("step_overhead_ms"), maxEvaluations: 10, metrics: FitMetrics.Itl));
        Assert.Equal("no row can be fitted: the rows left to fit publish none of the metrics asked for (itl)", error.Message);
    }

    [Theory]
    [InlineData("itl,e2e", FitMetrics.Itl | FitMetrics.E2e)]
    [InlineData(" TTFT-median , throughput", FitMetrics.TtftMedian | FitMetrics.Throughput)]
    [InlineData("ttft,itl,e2e", FitMetrics.Default)]
    [InlineData("tpot-median,throughput", FitMetrics.TpotMedian | FitMetrics.Throughput)]
    public void Metrics_are_read_as_calibrate_spells_them(string text, FitMetrics expected)
    {
        Assert.Equal(expected, FitMetricsParser.Parse(text));
        Assert.Equal(expected, FitMetricsParser.Parse(FitMetricsParser.Format(expected)));
    }

    [Theory]
    [InlineData("itl,tpot", "'tpot' is not a metric; expected some of ttft, ttft-median, itl, e2e, throughput, tpot-median")]
    [InlineData(" , ", "no metric given; expected some of ttft, ttft-median, itl, e2e, throughput, tpot-median")]
    public void An_unknown_metric_is_named(string text, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => FitMetricsParser.Parse(text));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_harness_publishing_medians_alone_is_fitted_on_its_median_TPOT()
    {
        // AccelMark publishes TTFT and TPOT percentiles and no means: with tpot-median its rows are fittable, and the
        // fit on median TPOT finds the step overhead the synthetic rows were made with.
        IReadOnlyList<ReplayCase> cases = SyntheticCases();
        var medians = cases.Select(c => c with
        {
            Rows = c.Rows.Select(r => r with { TpotP50Ms = ReplayRunner.Run(c, Truth).Single(s => s.Row == r).Simulated.TpotP50Ms, ItlMs = null, TtftMs = null, E2eMs = null }).ToList(),
        }).ToList();
        Assert.All(medians.SelectMany(c => c.Rows), r => Assert.True(Calibrator.Measured(r, FitMetrics.TpotMedian)));
        Assert.All(medians.SelectMany(c => c.Rows), r => Assert.False(Calibrator.Measured(r, FitMetrics.Itl)));

        CalibrationFit fit = Calibrator.Fit(medians, Truth with { IterationOverheadSeconds = 0.004 }, FitParameter.Parse("step_overhead_ms"), maxEvaluations: 60, metrics: FitMetrics.TpotMedian);
        Assert.InRange(fit.Factors.IterationOverheadSeconds, Truth.IterationOverheadSeconds * 0.95, Truth.IterationOverheadSeconds * 1.05);
    }

    [Fact]
    public void A_factor_no_run_depends_on_is_held_out_of_the_fit()
    {
        // Attention-only models have no recurrent scan; the 8B runs on one H100 have no collectives (Yi 34B on two has).
        IReadOnlyList<ReplayCase> cases = SyntheticCases();
        IReadOnlyList<FitParameter> asked = FitParameter.Parse("memory_efficiency,scan_efficiency,state_update_efficiency,link_efficiency");
        Assert.Equal(["memory_efficiency", "link_efficiency"], Calibrator.Bearing(cases, Truth, asked).Select(p => p.Name));
        Assert.Equal(["memory_efficiency"], Calibrator.Bearing(cases.Take(1).ToList(), Truth, asked).Select(p => p.Name));

        var start = Truth with { Memory = 0.85, Scan = 0.3 };
        CalibrationFit fit = Calibrator.Fit(cases, start, asked, maxEvaluations: 60);
        Assert.Equal(["memory_efficiency", "link_efficiency"], fit.Parameters.Select(p => p.Name));
        Assert.Equal(0.3, fit.Factors.Scan);   // where it started: not wandered off to wherever the simplex left it

        // Nothing to move: the start, with what the probes cost.
        CalibrationFit none = Calibrator.Fit(cases, start, FitParameter.Parse("scan_efficiency"));
        Assert.Empty(none.Parameters);
        Assert.Equal(start, none.Factors);
        Assert.Equal(2, none.Evaluations);
    }

    [Fact]
    public void Several_starts_keep_the_best_fit_and_count_every_simulation()
    {
        IReadOnlyList<ReplayCase> cases = SyntheticCases();
        var start = Truth with { Memory = 0.85, IterationOverheadSeconds = 0.001 };
        IReadOnlyList<FitParameter> fitted = FitParameter.Parse("memory_efficiency,step_overhead_ms");
        CalibrationFit one = Calibrator.Fit(cases, start, fitted, maxEvaluations: 40);
        CalibrationFit three = Calibrator.Fit(cases, start, fitted, maxEvaluations: 40, starts: 3);

        Assert.True(three.Objective <= one.Objective, $"{three.Objective} > {one.Objective}");
        Assert.True(three.Evaluations > 2 * one.Evaluations, $"{three.Evaluations} simulations for three starts, {one.Evaluations} for one");
        Assert.Equal(three.Objective, Calibrator.Loss(cases, three.Factors, 120), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => Calibrator.Fit(cases, start, fitted, starts: 0));
    }

    [Fact]
    public void A_written_calibration_reads_back_into_the_catalog()
    {
        var row = new ServingCalibration
        {
            Id = "my-h100",
            Precision = Precision.BF16,
            Factors = Truth with { GemmKernelSeconds = 3.5e-6, MlaAttention = 0.2, ExpertHalfTokens = 32, StateUpdate = 0.15, Scan = 0.009 },
            FittedOn = "a/all b/all",
            FittedRelease = "0.5.12",
            Source = "clustersim calibrate synthetic.csv",
        };
        string csv = CalibrationCsv.Write([row]);
        CalibrationCatalog catalog = SimCatalog.Default.Calibrations.With(CsvTable.Parse(new StringReader(csv), "calibration.csv"));

        Assert.True(catalog.TryGet("my-h100", Precision.BF16, out ServingCalibration back));
        Assert.Equal(0.66, back.Factors.Memory, 4);
        Assert.Equal(0.003, back.Factors.IterationOverheadSeconds, 6);
        Assert.Equal(3.5e-6, back.Factors.GemmKernelSeconds, 12);
        Assert.Equal("a/all b/all", back.FittedOn);
        Assert.Equal("0.5.12", back.FittedRelease);
        Assert.Equal(0.2, back.Factors.MlaAttention, 4);
        Assert.Equal(32, back.Factors.ExpertHalfTokens);
        Assert.Equal((0.15, 0.009), (back.Factors.StateUpdate, back.Factors.Scan));

        // A row that fits neither recurrent factor writes 0 for each, which reads back as their shares of the row's own terms.
        string plain = CalibrationCsv.Write([row with { Id = "plain-h100", Factors = Truth }]);
        Assert.True(SimCatalog.Default.Calibrations.With(CsvTable.Parse(new StringReader(plain), "calibration.csv")).TryGet("plain-h100", Precision.BF16, out ServingCalibration derived));
        Assert.Equal((Truth.KvRead * RecurrentKernels.StateUpdateShareOfKvRead, RecurrentKernels.ScanShareOfBf16Peak), (derived.Factors.StateUpdateFor, derived.Factors.ScanFor));
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"{Truth.Compute:0.####}"), string.Create(CultureInfo.InvariantCulture, $"{back.Factors.Compute:0.####}"));
    }

    [Fact]
    public void A_calibration_written_before_the_kernel_floor_existed_reads_with_none()
    {
        string csv = CalibrationCsv.Write([new ServingCalibration { Id = "old-h100", Precision = Precision.BF16, Factors = Truth, FittedOn = "", Source = "an older clustersim" }]);
        string[] lines = csv.Split('\n');
        int column = Array.IndexOf(lines[0].Split(','), "gemm_kernel_us");
        Assert.True(column > 0);
        string withoutColumn = string.Join('\n', lines.Select(l => l.Length == 0 ? l : string.Join(',', l.Split(',').Where((_, i) => i != column))));

        CalibrationCatalog catalog = SimCatalog.Default.Calibrations.With(CsvTable.Parse(new StringReader(withoutColumn), "calibration.csv"));
        Assert.True(catalog.TryGet("old-h100", Precision.BF16, out ServingCalibration back));
        Assert.Equal(0, back.Factors.GemmKernelSeconds);
        Assert.Equal(Truth.Memory, back.Factors.Memory, 4);
    }

    [Fact]
    public void A_collectives_launch_is_fitted_from_zero_beside_its_ring_steps()
    {
        // Llama 3.1 70B decoding at TP 2 and TP 8 on H100: a launch paid once an all-reduce and a latency paid a ring step
        // cost the two sizes differently (1 and 7 steps a side), so the fit separates them. The catalog's rows leave the
        // launch at 0, where a log-scaled search could not move: the fit starts it at 5 µs.
        const string text = "exp_id,stage,model,gpu,tp,dtype,arrival,rate_rps_or_concurrency,n_requests,input_len_mean,output_len_mean\n"
            + "t2,all,meta-llama/Llama-3.1-70B-Instruct,H100,2,FP8,concurrency,4,40,500,200\n"
            + "t8,all,meta-llama/Llama-3.1-70B-Instruct,H100,8,FP8,concurrency,4,40,500,200\n";
        var (built, skipped) = ReplayCase.Build(MeasuredRunFile.Parse(new StringReader(text), "tp.csv"), SimCatalog.Default);
        Assert.Empty(skipped);
        EfficiencyFactors truth = built[0].Calibration.Factors with { CollectiveLaunchSeconds = 18e-6, CollectiveLatencySeconds = 1.5e-6 };
        IReadOnlyList<ReplayCase> cases = MeasuredWith(built, truth);

        EfficiencyFactors start = truth with { CollectiveLaunchSeconds = 0, CollectiveLatencySeconds = 3e-6 };
        Assert.Equal(5, FitParameter.Parse("collective_launch_us")[0].StartValue(start));
        CalibrationFit fit = Calibrator.Fit(cases, start, FitParameter.Parse("collective_launch_us,allreduce_step_latency_us"), maxEvaluations: 200, tolerance: 1e-9);
        Assert.InRange(fit.Factors.CollectiveLaunchSeconds, 18e-6 * 0.9, 18e-6 * 1.1);
        Assert.InRange(fit.Factors.CollectiveLatencySeconds, 1.5e-6 * 0.8, 1.5e-6 * 1.2);

        // Written and read back, it is the row's.
        string csv = CalibrationCsv.Write([new ServingCalibration { Id = "my-tp", Precision = Precision.FP8, Factors = fit.Factors, FittedOn = "t2/all t8/all", Source = "clustersim calibrate tp.csv" }]);
        CalibrationCatalog catalog = SimCatalog.Default.Calibrations.With(CsvTable.Parse(new StringReader(csv), "calibration.csv"));
        Assert.True(catalog.TryGet("my-tp", Precision.FP8, out ServingCalibration back));
        Assert.Equal(fit.Factors.CollectiveLaunchSeconds, back.Factors.CollectiveLaunchSeconds, 9);
    }

    [Fact]
    public void Every_positive_quantity_left_at_zero_starts_its_fit_at_a_typical_magnitude()
    {
        // A row may leave a term at 0 (TensorRT-LLM's rows have no front end, most rows no collective launch); the search
        // moves each quantity in log space, so a start at 0 would keep it there.
        EfficiencyFactors zero = new() { Compute = 0.5, Memory = 0.8, Attention = 0.45, KvRead = 0.8, Link = 0.5, CollectiveLatencySeconds = 0, NetworkLatencySeconds = 0, IterationOverheadSeconds = 0 };
        foreach (FitParameter p in FitParameter.All.Where(p => !p.IsFraction))
        {
            EfficiencyFactors atZero = p.Set(zero, 0);
            Assert.True(p.StartValue(atZero) > 0, $"{p.Name} would start its fit at 0");
            Assert.Equal(7.0, p.StartValue(p.Set(zero, 7.0)));   // a value the row gives is where the fit starts
        }
    }

    [Fact]
    public void A_two_node_deployment_s_network_latency_is_fitted_from_its_own_runs()
    {
        // A planner's own measurement of Llama 3.1 70B at TP 16 over two HGX H100 nodes (a closed loop of 4 users, and 32),
        // its network 40 µs a step where nccl-tests' figure is 9.6: the fit finds it from the decode steps' collectives.
        const string text = "exp_id,stage,model,gpu,tp,dtype,arrival,rate_rps_or_concurrency,n_requests,input_len_mean,output_len_mean\n"
            + "n4,all,meta-llama/Llama-3.1-70B-Instruct,H100,16,FP16,concurrency,4,40,1000,300\n"
            + "n32,all,meta-llama/Llama-3.1-70B-Instruct,H100,16,FP16,concurrency,32,160,1000,300\n";
        var (built, skipped) = ReplayCase.Build(MeasuredRunFile.Parse(new StringReader(text), "two-nodes.csv"), SimCatalog.Default);
        Assert.Empty(skipped);
        Assert.All(built, c => Assert.Contains(c.Assumptions, a => a.Contains("9.6 µs a ring step (nccl-tests' two-node latency", StringComparison.Ordinal)));
        EfficiencyFactors truth = built[0].Calibration.Factors with { NetworkLatencySeconds = 40e-6 };
        IReadOnlyList<ReplayCase> cases = MeasuredWith(built, truth);

        EfficiencyFactors start = truth with { NetworkLatencySeconds = Collective.NetworkStepLatencySeconds };
        CalibrationFit fit = Calibrator.Fit(cases, start, FitParameter.Parse("network_step_latency_us"), maxEvaluations: 80, tolerance: 1e-9);
        Assert.InRange(fit.Factors.NetworkLatencySeconds, 40e-6 * 0.97, 40e-6 * 1.03);

        // Written and read back, it is the row's; a row without the column keeps nccl-tests' figure.
        string csv = CalibrationCsv.Write([new ServingCalibration { Id = "my-two-nodes", Precision = Precision.BF16, Factors = fit.Factors, FittedOn = "n4/all n32/all", Source = "clustersim calibrate two-nodes.csv" }]);
        CalibrationCatalog catalog = SimCatalog.Default.Calibrations.With(CsvTable.Parse(new StringReader(csv), "calibration.csv"));
        Assert.True(catalog.TryGet("my-two-nodes", Precision.BF16, out ServingCalibration back));
        Assert.Equal(fit.Factors.NetworkLatencySeconds, back.Factors.NetworkLatencySeconds, 9);
        Assert.Equal(Collective.NetworkStepLatencySeconds, SimCatalog.Default.Calibrations.All.First(c => c.Name == "hopper-vllm/bf16").Factors.NetworkLatencySeconds);
    }

    [Fact]
    public void An_unknown_parameter_is_named()
    {
        var e = Assert.Throws<ArgumentException>(() => FitParameter.Parse("memory_efficiency,warp_speed"));
        Assert.Contains("warp_speed", e.Message, StringComparison.Ordinal);
    }
}
