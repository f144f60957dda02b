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

    /// <summary>
    /// A deployment of a catalog model (by id, alias or Hugging Face name) on catalog hardware, with the calibration this
    /// catalog holds for its accelerator, compute precision and engine. The KV cache is kept in the weights' precision
    /// unless <paramref name="kvCache"/> says otherwise.
    /// </summary>
    public Performance.ServingDeployment Deployment(
        string model, string hardware, int tensorParallel = 1, Precision weights = Precision.BF16, Precision? kvCache = null,
        Performance.ServingEngine engine = Performance.ServingEngine.Vllm) => Calibrations.Apply(new Performance.ServingDeployment
        {
            Model = Models.TryResolve(model, out ModelSpec m) ? m : Models.Get(model),
            Accelerator = Hardware.TryResolve(hardware, out AcceleratorSpec a) ? a : Hardware.Get(hardware),
            TensorParallel = tensorParallel,
            Weights = weights,
            KvCache = kvCache ?? weights,
            Engine = engine,
        });

    /// <summary>This catalog with the calibration rows of the CSV file at <paramref name="path"/> (from `clustersim calibrate`) in place of the rows they name.</summary>
    public SimCatalog WithCalibrationFile(string path)
    {
        using var text = new StreamReader(path);
        return this with { Calibrations = Calibrations.With(CsvTable.Parse(text, Path.GetFileName(path))) };
    }

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
