namespace ClusterSim.Core.Catalog;

/// <summary>
/// The hardware, model and step-time calibration catalogs together; the shipped one is embedded in the assembly, user
/// files extend it.
/// </summary>
public sealed record SimCatalog(HardwareCatalog Hardware, ModelCatalog Models, CalibrationCatalog Calibrations)
{
    private static readonly Lazy<SimCatalog> Shipped = new(() => new SimCatalog(
        HardwareCatalog.Empty.With(ReadResource("hardware.csv")),
        ModelCatalog.Empty.With(ReadResource("models.csv")),
        CalibrationCatalog.Empty.With(ReadResource("calibration.csv"))));

    /// <summary>The catalog shipped with ClusterSim.</summary>
    public static SimCatalog Default => Shipped.Value;

    /// <summary>The shipped CSV text of one catalog ("hardware.csv", "models.csv" or "calibration.csv").</summary>
    public static string ShippedText(string name)
    {
        using var stream = typeof(SimCatalog).Assembly.GetManifestResourceStream($"ClusterSim.Core.Catalog.Data.{name}")
            ?? throw new InvalidOperationException($"catalog resource {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static CsvTable ReadResource(string name) => CsvTable.Parse(new StringReader(ShippedText(name)), $"catalog/{name}");
}
