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

    /// <summary>The factors used for <paramref name="chip"/> at <paramref name="precision"/>, and a warning when none was fitted for them.</summary>
    public static (TrainingEfficiency Efficiency, string Description, string? Warning) For(AcceleratorSpec chip, Precision precision)
    {
        TrainingCalibration? row = All.FirstOrDefault(c => c.Precision == precision && c.Hardware.Contains(chip.Id, StringComparer.OrdinalIgnoreCase));
        if (row is not null)
        {
            return (row.Efficiency, $"{chip.Id} training {precision.ToString().ToLowerInvariant()}: {row.Id} (fitted on {row.FittedOn})", null);
        }

        TrainingCalibration? other = All.FirstOrDefault(c => c.Hardware.Contains(chip.Id, StringComparer.OrdinalIgnoreCase));
        return other is not null
            ? (other.Efficiency, $"{chip.Id} training {precision}", $"{chip.Id}: no training calibration at {precision.ToString().ToLowerInvariant()}; the {other.Precision.ToString().ToLowerInvariant()} factors of {other.Id} are used unverified (set training.efficiency to override)")
            : (new TrainingEfficiency(), $"{chip.Id} training", $"{chip.Id}: no training calibration; generic factors (matmul {new TrainingEfficiency().Matmul}) are used unverified (set training.efficiency to override)");
    }

    private static List<TrainingCalibration> Read(CsvTable table)
    {
        var rows = new List<TrainingCalibration>();
        foreach (var (line, cells) in table.Rows)
        {
            var row = new CsvRowReader(table, line, cells);
            string precisionText = row.Text("precision");
            if (!Enum.TryParse(precisionText, ignoreCase: true, out Precision precision) || !Enum.IsDefined(precision))
            {
                throw new CatalogException(table.Source, line, "precision", $"'{precisionText}' is not a precision");
            }

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

            rows.Add(new TrainingCalibration
            {
                Id = row.Text("id"),
                Hardware = CsvRowReader.List(row.Text("hardware")),
                Precision = precision,
                Efficiency = efficiency,
                FittedOn = row.Text("fitted_on"),
                Source = row.Text("source"),
            });
        }

        return rows;
    }
}
