using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Catalog;

/// <summary>
/// Step-time calibrations by (id, precision), loaded from CSV with the rows each was fitted on. An accelerator names
/// its calibration in the hardware catalog; <see cref="For"/> finds the row for a deployment or says why none applies.
/// </summary>
public sealed class CalibrationCatalog
{
    private readonly Dictionary<(string Id, Precision Precision), ServingCalibration> _rows;

    private CalibrationCatalog(Dictionary<(string, Precision), ServingCalibration> rows) => _rows = rows;

    /// <summary>The column holding α, the latency of one step of a collective (µs).</summary>
    public const string LatencyColumn = "allreduce_step_latency_us";

    /// <summary>The column of a collective step's latency on the scale-out network, µs (optional: nccl-tests' figure).</summary>
    public const string NetworkLatencyColumn = "network_step_latency_us";

    /// <summary>The column of a collective's fixed cost, microseconds (optional; 0 when absent).</summary>
    public const string LaunchColumn = "collective_launch_us";

    private const string FormerLatencyColumn = "allreduce_latency_us";

    /// <summary>An empty catalog.</summary>
    public static CalibrationCatalog Empty => new(new(new KeyComparer()));

    /// <summary>All rows, by id then precision.</summary>
    public IReadOnlyList<ServingCalibration> All => _rows.Values.OrderBy(c => c.Id, StringComparer.Ordinal).ThenBy(c => c.Precision).ToList();

    /// <summary>A catalog holding this one's rows, replaced or extended by the rows of <paramref name="table"/>.</summary>
    public CalibrationCatalog With(CsvTable table)
    {
        if (table.HasColumn(FormerLatencyColumn))
        {
            throw new CatalogException(table.Source, 1, FormerLatencyColumn,
                $"is the latency of a whole all-reduce, which calibrations no longer take; give '{LatencyColumn}', the latency of one ring step " +
                "(an all-reduce over n GPUs takes 2(n−1) of them): the former value divided by 2(n−1) for the tensor-parallel size it was fitted at");
        }

        var rows = new Dictionary<(string, Precision), ServingCalibration>(_rows, new KeyComparer());
        foreach (var (line, cells) in table.Rows)
        {
            var row = new CsvRowReader(table, line, cells);
            string precisionText = row.Text("precision");
            if (!Enum.TryParse(precisionText, ignoreCase: true, out Precision precision) || !Enum.IsDefined(precision))
            {
                throw new CatalogException(table.Source, line, "precision", $"'{precisionText}' is not one of bf16, fp8, int8, int4");
            }

            var factors = new EfficiencyFactors
            {
                Compute = row.Number("gemm_efficiency"),
                ExpertHalfWidth = row.OptionalNumber("expert_half_width") ?? 0,
                DequantExpert = row.OptionalNumber("expert_dequant_efficiency") ?? 1,
                GemmHalfTokens = row.Number("gemm_half_tokens"),
                ExpertHalfTokens = row.OptionalNumber("expert_half_tokens") ?? 0,
                GemmKernelSeconds = (row.OptionalNumber("gemm_kernel_us") ?? 0) / 1e6,
                Memory = row.Number("memory_efficiency"),
                Attention = row.Number("attention_efficiency"),
                MlaAttention = row.OptionalNumber("mla_attention_efficiency") ?? 0,
                KvRead = row.Number("kv_read_efficiency"),
                StateUpdate = row.OptionalNumber("state_update_efficiency") ?? 0,
                Scan = row.OptionalNumber("scan_efficiency") ?? 0,
                Link = row.Number("link_efficiency"),
                CollectiveLatencySeconds = row.Number(LatencyColumn) / 1e6,
                CollectiveLaunchSeconds = (row.OptionalNumber(LaunchColumn) ?? 0) / 1e6,
                NetworkLatencySeconds = row.OptionalNumber(NetworkLatencyColumn) is double networkUs ? networkUs / 1e6 : Collective.NetworkStepLatencySeconds,
                IterationOverheadSeconds = row.Number("step_overhead_ms") / 1e3,
                SequenceOverheadSeconds = row.Number("sequence_overhead_us") / 1e6,
                RequestOverheadSeconds = row.Number("request_overhead_ms") / 1e3,
                SamplerCyclesPerEntry = row.OptionalNumber("sampler_sm_cycles_per_entry") ?? 0,
            };
            try
            {
                factors.Validated();
            }
            catch (ArgumentException e)
            {
                throw new CatalogException(table.Source, line, "gemm_efficiency", e.Message);
            }

            var calibration = new ServingCalibration
            {
                Id = row.Text("id"),
                Precision = precision,
                Factors = factors,
                FittedOn = row.Text("fitted_on", required: false),
                FittedRelease = FittedRelease(table, line, row),
                Source = row.Text("source"),
            };
            rows[(calibration.Id, precision)] = calibration;
        }

        return new CalibrationCatalog(rows);
    }

    /// <summary>The row's <c>fitted_release</c> (empty when the column or the cell is), which must be a release number.</summary>
    private static string FittedRelease(CsvTable table, int line, CsvRowReader row)
    {
        string release = row.Text("fitted_release", required: false);
        return release.Length == 0 || Performance.EngineRelease.TryParse(release, out _)
            ? release
            : throw new CatalogException(table.Source, line, "fitted_release", $"'{release}' is not a release number such as 0.5.12 or 1.0");
    }

    /// <summary>The calibration row with this id and precision; false when there is none.</summary>
    public bool TryGet(string id, Precision precision, out ServingCalibration calibration) =>
        _rows.TryGetValue((id, precision), out calibration!);

    /// <summary>
    /// The calibration for <paramref name="accelerator"/> computing in <paramref name="precision"/>, and a warning when it
    /// is not a fit for that accelerator and precision (the generic row is used then). 4-bit and 8-bit integer weights use
    /// the row of the precision they are multiplied in. An <paramref name="engineVersion"/> older than the release its row was
    /// fitted on is warned too (<see cref="Performance.CalibrationRelease"/>).
    /// </summary>
    public (ServingCalibration Calibration, string? Warning) For(AcceleratorSpec accelerator, Precision precision, Performance.ServingEngine engine = Performance.ServingEngine.Vllm, string engineVersion = "")
    {
        if (engine == Performance.ServingEngine.TensorRtLlm)
        {
            return ForTensorRtLlm(accelerator, precision, engineVersion);
        }

        if (engine == Performance.ServingEngine.Sglang)
        {
            return ForSglang(accelerator, precision, engineVersion);
        }

        // An accelerator without a named calibration may still have one fitted under its own id (`clustersim calibrate`).
        if (Fitted(accelerator, accelerator.CalibrationId, precision, engine, engineVersion) is { } fitted)
        {
            return fitted;
        }

        ServingCalibration generic = Generic(precision);
        // A row fitted under the accelerator's own id, in another precision, is a calibration that lacks this one.
        bool hasRows = accelerator.Calibration.Length > 0 || _rows.Keys.Any(k => string.Equals(k.Id, accelerator.CalibrationId, StringComparison.OrdinalIgnoreCase));
        string why = hasRows
            ? $"calibration '{accelerator.CalibrationId}' has no {precision.ToString().ToLowerInvariant()} row"
            : $"{accelerator.Id} names no calibration in the hardware catalog";
        return (generic, $"uncalibrated: {why}, so its step times use the generic factors ({generic.Name}: {generic.Gist}; {ServingCalibration.SourcesHint}); calibrate with `clustersim calibrate` to trust them");
    }

    /// <summary>
    /// SGLang's row of the accelerator's calibration family (<c>hopper-vllm</c> → <c>hopper-sglang</c>) or one fitted under
    /// the accelerator's id with a <c>-sglang</c> suffix; otherwise vLLM's row for it, with a warning that says so (and
    /// vLLM's own warning, when that row is the generic one too).
    /// </summary>
    private (ServingCalibration Calibration, string? Warning) ForSglang(AcceleratorSpec accelerator, Precision precision, string engineVersion)
    {
        string id = EngineRowId(accelerator, "-sglang");
        if (Fitted(accelerator, id, precision, Performance.ServingEngine.Sglang, engineVersion) is { } fitted)
        {
            return fitted;
        }

        var (vllm, warning) = For(accelerator, precision);
        string borrowed = $"no SGLang calibration '{id}' for {precision.ToString().ToLowerInvariant()}, so its step times use vLLM's ({vllm.Name}: the same kinds of kernels, but vLLM's per-step overhead, which SGLang's overlapped scheduler likely undercuts); fit one with `clustersim calibrate` on SGLang runs to trust them";
        return (vllm, warning is null ? $"uncalibrated: {borrowed}" : $"{warning}; and {borrowed}");
    }

    /// <summary>
    /// The row <paramref name="id"/> has for <paramref name="precision"/> and the engine's release (<see cref="ReleaseRow"/>,
    /// else the id's own), with what it says about itself (<see cref="WarningFor"/>); null when the id has no such row.
    /// </summary>
    private (ServingCalibration Calibration, string? Warning)? Fitted(AcceleratorSpec accelerator, string id, Precision precision, Performance.ServingEngine engine, string engineVersion)
    {
        bool found = TryGet(id, precision, out ServingCalibration own);
        ServingCalibration? row = ReleaseRow(id, precision, engineVersion, found ? own : null) ?? (found ? own : null);
        return row is null ? null : (row, WarningFor(accelerator, precision, row, engine, engineVersion));
    }

    /// <summary>
    /// The row fitted on an older release of the engine (<c>cdna3-sglang@0.5.9</c>: the id, <c>@</c>, the release) that serves
    /// <paramref name="engineVersion"/>: the earliest such row of <paramref name="id"/> and <paramref name="precision"/> whose
    /// release is <paramref name="engineVersion"/> or later, when <paramref name="engineVersion"/> predates the release the
    /// row <paramref name="newest"/> (the id's own) was fitted on, or there is none; null otherwise (no release named, a newer
    /// one, none fitted that late, or <paramref name="newest"/> the user's own fit, which fits the release in use). A release
    /// older than every such row takes the oldest, and its warning says so.
    /// </summary>
    private ServingCalibration? ReleaseRow(string id, Precision precision, string engineVersion, ServingCalibration? newest)
    {
        if (!Performance.EngineRelease.TryParse(engineVersion, out Performance.EngineRelease named)
            || newest is { IsUserFit: true }
            || (newest is not null && Performance.EngineRelease.TryParse(newest.FittedRelease, out Performance.EngineRelease latest) && named.AtLeast(latest)))
        {
            return null;
        }

        string prefix = id + "@";
        ServingCalibration? best = null;
        Performance.EngineRelease bestRelease = default;
        foreach (var ((rowId, rowPrecision), row) in _rows)
        {
            if (rowPrecision != precision || !rowId.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                || !Performance.EngineRelease.TryParse(rowId[prefix.Length..], out Performance.EngineRelease release)
                || !release.AtLeast(named)
                || (best is not null && release.AtLeast(bestRelease)))
            {
                continue;
            }

            best = row;
            bestRelease = release;
        }

        return best;
    }

    /// <summary>
    /// The id of the row <paramref name="engine"/> looks up first for <paramref name="accelerator"/>, and under which a fit of
    /// that engine's runs is written (<c>clustersim calibrate</c>): vLLM's is the accelerator's calibration id
    /// (<c>hopper-vllm</c>), SGLang's and TensorRT-LLM's that family's engine row (<c>hopper-sglang</c>, <c>hopper-trtllm</c>).
    /// </summary>
    public static string RowId(AcceleratorSpec accelerator, Performance.ServingEngine engine) => engine switch
    {
        Performance.ServingEngine.TensorRtLlm => EngineRowId(accelerator, "-trtllm"),
        Performance.ServingEngine.Sglang => EngineRowId(accelerator, "-sglang"),
        _ => accelerator.CalibrationId,
    };

    /// <summary>The id of an engine's row in the accelerator's calibration family: the family without its <c>-vllm</c> suffix (or the accelerator's id), then <paramref name="suffix"/>.</summary>
    private static string EngineRowId(AcceleratorSpec accelerator, string suffix)
    {
        string family = accelerator.Calibration.EndsWith("-vllm", StringComparison.OrdinalIgnoreCase) ? accelerator.Calibration[..^"-vllm".Length] : accelerator.Calibration;
        return (family.Length > 0 ? family : accelerator.Id) + suffix;
    }

    /// <summary>
    /// TensorRT-LLM's row of the accelerator's calibration family (<c>hopper-vllm</c> → <c>hopper-trtllm</c>), or one fitted
    /// under the accelerator's id with a <c>-trtllm</c> suffix; otherwise the generic row and a warning naming what is missing.
    /// </summary>
    private (ServingCalibration Calibration, string? Warning) ForTensorRtLlm(AcceleratorSpec accelerator, Precision precision, string engineVersion)
    {
        string id = EngineRowId(accelerator, "-trtllm");
        bool found = TryGet(id, precision, out ServingCalibration fitted);
        // A release series fitted on its own runs (hopper-trtllm@0.x) serves that series' releases, unless the row it would
        // stand in for is the user's own fit, which fits the release in use.
        if (Performance.TensorRtLlmRelease.Series(engineVersion) is { } series
            && !(found && fitted.IsUserFit)
            && TryGet(id + series, precision, out ServingCalibration older))
        {
            return (older, null);
        }

        if (found)
        {
            return (fitted, WarningFor(accelerator, precision, fitted, Performance.ServingEngine.TensorRtLlm, engineVersion));
        }

        ServingCalibration generic = Generic(precision);
        return (generic, $"uncalibrated: no TensorRT-LLM calibration '{id}' for {precision.ToString().ToLowerInvariant()}, so its step times use the generic factors ({generic.Name}: {generic.Gist}; {ServingCalibration.SourcesHint}), vLLM's overheads included; calibrate with `clustersim calibrate` to trust them");
    }

    /// <summary>
    /// What a row found for the accelerator says about itself: nothing when runs of its precision fitted it (unless the
    /// engine release predates the fit); otherwise that it is only partly calibrated — whichever engine's row it is.
    /// </summary>
    private static string? WarningFor(AcceleratorSpec accelerator, Precision precision, ServingCalibration row, Performance.ServingEngine engine, string engineVersion) => row.IsFitted
        ? Performance.CalibrationRelease.OlderThanFit(engine, engineVersion, row)
        : $"partly calibrated: {accelerator.Id} in {precision.ToString().ToLowerInvariant()} uses {row.Name}, which no measured run of that precision fitted ({row.Gist}; {ServingCalibration.SourcesHint}); calibrate with `clustersim calibrate` to trust it";

    /// <summary>The unfitted row an accelerator without a calibration of its own falls back to (BF16's when the precision has none).</summary>
    private ServingCalibration Generic(Precision precision) =>
        TryGet(ServingCalibration.GenericId, precision, out ServingCalibration generic) || TryGet(ServingCalibration.GenericId, Precision.BF16, out generic)
            ? generic
            : throw new KeyNotFoundException($"the calibration catalog has no '{ServingCalibration.GenericId}' row for {precision} or bf16");

    /// <summary>The deployment with the factors of its calibration (<see cref="For"/>); the warning, if any, is dropped.</summary>
    public ServingDeployment Apply(ServingDeployment deployment)
    {
        ServingCalibration calibration = For(deployment.Accelerator, deployment.ComputePrecision, deployment.Engine, deployment.EngineVersion).Calibration;
        return deployment with { Efficiency = calibration.Factors, CalibrationName = calibration.Name };
    }

    private sealed class KeyComparer : IEqualityComparer<(string Id, Precision Precision)>
    {
        public bool Equals((string Id, Precision Precision) x, (string Id, Precision Precision) y) =>
            x.Precision == y.Precision && string.Equals(x.Id, y.Id, StringComparison.OrdinalIgnoreCase);

        // A lookup's bucket hash, never iterated in hash order nor written out: a per-process value changes no result.
#pragma warning disable RS0030
        public int GetHashCode((string Id, Precision Precision) key) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(key.Id), key.Precision);
#pragma warning restore RS0030
    }
}
