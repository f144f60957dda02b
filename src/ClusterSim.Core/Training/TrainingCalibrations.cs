using ClusterSim.Core.Catalog;

namespace ClusterSim.Core.Training;

/// <summary>
/// The shipped training calibrations (catalog/training-calibration.csv). An accelerator and precision without a fitted
/// row get the generic factors and a warning that says so, never a silent default.
/// </summary>
public static class TrainingCalibrations
{
    private static readonly Lazy<IReadOnlyList<TrainingCalibration>> Shipped = new(() => Read(
        CsvTable.Parse(new StringReader(SimCatalog.ShippedText("training-calibration.csv")), "catalog/training-calibration.csv")));

    /// <summary>Every shipped row.</summary>
    public static IReadOnlyList<TrainingCalibration> All => Shipped.Value;

    /// <summary>
    /// The factors used for <paramref name="chip"/> at <paramref name="precision"/> (an FP8 row also by its
    /// <paramref name="scaling"/>), and a warning when none was fitted for them.
    /// </summary>
    public static (TrainingEfficiency Efficiency, string Description, string? Warning) For(AcceleratorSpec chip, Precision precision, Fp8Scaling scaling = Fp8Scaling.Tensor) =>
        For(All, chip, precision, scaling);

    /// <summary><see cref="For(AcceleratorSpec, Precision, Fp8Scaling)"/> over <paramref name="rows"/> instead of the shipped ones.</summary>
    internal static (TrainingEfficiency Efficiency, string Description, string? Warning) For(IReadOnlyList<TrainingCalibration> rows, AcceleratorSpec chip, Precision precision, Fp8Scaling scaling)
    {
        string at = PrecisionName(precision, scaling);
        TrainingCalibration? row = rows.FirstOrDefault(c => c.Precision == precision && Covers(c, chip) && (precision != Precision.FP8 || c.Fp8Scaling == scaling));
        if (row is not null)
        {
            return (row.Efficiency, $"{chip.Id} training {at}: {row.Id} (fitted on {row.FittedOn})", null);
        }

        // An FP8 row of the other scaling recipe is nearer than another precision's, and said so.
        TrainingCalibration? other = rows.FirstOrDefault(c => c.Precision == precision && Covers(c, chip))
            ?? rows.FirstOrDefault(c => Covers(c, chip));
        return other is not null
            ? (other.Efficiency, $"{chip.Id} training {at}", $"{chip.Id}: no training calibration at {at}; the {PrecisionName(other.Precision, other.Fp8Scaling ?? Fp8Scaling.Tensor)} factors of {other.Id} are used unverified (set training.efficiency to override)")
            : (new TrainingEfficiency(), $"{chip.Id} training", $"{chip.Id}: no training calibration; generic factors (matmul {new TrainingEfficiency().Matmul}) are used unverified (set training.efficiency to override)");
    }

    private static bool Covers(TrainingCalibration row, AcceleratorSpec chip) => row.Hardware.Contains(chip.Id, StringComparer.OrdinalIgnoreCase);

    /// <summary>A training precision as the catalog and warnings name it: FP8 with its scaling ("fp8 with per-tensor scaling"), FP4 as fp4.</summary>
    public static string PrecisionName(Precision precision, Fp8Scaling scaling) => precision switch
    {
        Precision.FP8 => scaling == Fp8Scaling.Tensor ? "fp8 with per-tensor scaling" : "fp8 with block scaling",
        Precision.INT4 => "fp4",
        _ => precision.ToString().ToLowerInvariant(),
    };

    private static List<TrainingCalibration> Read(CsvTable table)
    {
        var rows = new List<TrainingCalibration>();
        foreach (var (line, cells) in table.Rows)
        {
            var row = new CsvRowReader(table, line, cells);
            string precisionText = row.Text("precision");
            // Training's 4-bit formats are floating point (NVFP4, MXFP4), run at the catalog's fp4_tflops: the INT4 slot.
            Precision precision = precisionText.ToLowerInvariant() switch
            {
                "bf16" => Precision.BF16,
                "fp8" => Precision.FP8,
                "fp4" => Precision.INT4,
                _ => throw new CatalogException(table.Source, line, "precision", $"'{precisionText}' is not a training precision; expected bf16, fp8 or fp4"),
            };

            var efficiency = new TrainingEfficiency
            {
                Matmul = row.Number("matmul_efficiency"),
                ExpertMatmul = row.OptionalNumber("expert_matmul_efficiency") ?? 1,
                Memory = row.Number("memory_efficiency"),
                Link = row.Number("link_efficiency"),
                DataParallelOverlap = row.Number("dp_overlap"),
                CollectiveLatencySeconds = row.Number("collective_latency_us") / 1e6,
            };
            try
            {
                efficiency.Validated();
            }
            catch (ArgumentException e)
            {
                throw new CatalogException(table.Source, line, "matmul_efficiency", e.Message);
            }

            string scalingText = row.Text("fp8_scaling", required: false);
            Fp8Scaling? scaling = scalingText switch
            {
                "" when precision != Precision.FP8 => null,
                "tensor" when precision == Precision.FP8 => Fp8Scaling.Tensor,
                "block" when precision == Precision.FP8 => Fp8Scaling.Block,
                _ => throw new CatalogException(table.Source, line, "fp8_scaling", precision == Precision.FP8
                    ? $"'{scalingText}' is not an FP8 scaling recipe; expected tensor or block"
                    : $"'{scalingText}' is given for a {precisionText} row; leave it empty (it names an FP8 row's recipe)"),
            };
            rows.Add(new TrainingCalibration
            {
                Id = row.Text("id"),
                Hardware = CsvRowReader.List(row.Text("hardware")),
                Precision = precision,
                Fp8Scaling = scaling,
                Efficiency = efficiency,
                FittedOn = row.Text("fitted_on"),
                Source = row.Text("source"),
            });
        }

        return rows;
    }
}
