using System.CommandLine;
using System.Globalization;
using ClusterSim.Core.Catalog;
using Spectre.Console;

namespace ClusterSim.Cli;

/// <summary>`clustersim catalog hardware|models|calibrations|sampling|import-model`: the shipped catalogs as tables, and a model read from its config.json.</summary>
internal static class CatalogCommand
{
    public static Command Build()
    {
        var command = new Command("catalog", "Show the shipped hardware, model or calibration catalog, or read a model from its config.json.");
        var hardwareFormat = CommandLine.FormatOption("the catalog");
        var modelsFormat = CommandLine.FormatOption("the catalog");
        var hardware = new Command("hardware", "Accelerators: dense peaks, memory, links, power and default price.") { hardwareFormat };
        hardware.SetAction(r => ShowHardware(PlainTable.Formats[r.GetValue(hardwareFormat)!]));
        var extraModels = ModelsOption.Create();
        var models = new Command("models", "Models: shape and parameter counts (computed and published).") { modelsFormat, extraModels };
        models.SetAction(r => ShowModels(PlainTable.Formats[r.GetValue(modelsFormat)!], r.GetValue(extraModels)));
        var calibrationsFormat = CommandLine.FormatOption("the catalog");
        var calibrations = new Command("calibrations", "Step-time (serving) and training efficiency calibrations: factors, the runs they were fitted on, sources.") { calibrationsFormat };
        calibrations.SetAction(r => ShowCalibrations(PlainTable.Formats[r.GetValue(calibrationsFormat)!]));
        command.Subcommands.Add(hardware);
        command.Subcommands.Add(models);
        command.Subcommands.Add(calibrations);
        var samplingFormat = CommandLine.FormatOption("the catalog");
        var sampling = new Command("sampling", "Checkpoints' default sampling (their generation_config.json), which vLLM applies to requests that set none.") { samplingFormat };
        sampling.SetAction(r => ShowSampling(PlainTable.Formats[r.GetValue(samplingFormat)!]));
        command.Subcommands.Add(sampling);
        command.Subcommands.Add(ImportModelCommand.Build());
        return command;
    }

    /// <summary>A row of plain text: catalog fields (a source's "[1]", say) are never read as markup.</summary>
    private static void Row(Table table, params string[] cells) => table.AddRow(cells.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c)).ToArray());

    private static string N(double? value, string format = "0.##") => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    private static int ShowHardware(OutputFormat format) => Show(format, "Hardware catalog (dense datasheet peaks; timings take the sustained share of them)",
        ["id", "vendor", "kind", "BF16 TF", "FP8 TF", "INT8 TOPS", "mem GB", "mem TB/s", "SMs x GHz", "sustained", "scale-up GB/s", "scale-up domain", "TDP W", "$/h", "source"],
        [.. SimCatalog.Default.Hardware.All.Select(a => (IReadOnlyList<string>)
        [
            a.Id, a.Vendor, a.Kind, N(a.Bf16Tflops), N(a.Fp8Tflops), N(a.Int8Tops), N(a.MemoryGB), N(a.MemoryTBps, "0.###"), N(a.SmGhz, "0.#"), N(a.SustainedShare), N(a.ScaleUpGBps),
            N(a.ScaleUpDomain), N(a.TdpWatts), N(a.PricePerHour, "0.00"), a.Source,
        ])]);

    private static int ShowModels(OutputFormat format, string? extra)
    {
        SimCatalog catalog;
        try
        {
            catalog = ModelsOption.Apply(SimCatalog.Default, extra);
        }
        catch (Exception e) when (e is CatalogException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: --models: {e.Message}");
            return ExitCodes.InvalidInput;
        }

        return ShowModels(format, catalog);
    }

    private static int ShowModels(OutputFormat format, SimCatalog catalog) => Show(format, "Model catalog",
        ["id", "layers", "hidden", "heads/kv", "experts (top-k)", "sliding window (layers)", "total B", "active B", "published B", "KV KiB/token (BF16)", "source"],
        [.. catalog.Models.All.Select(m => (IReadOnlyList<string>)
        [
            m.Id, N(m.Layers), N(m.Hidden), $"{m.Heads}/{m.KvHeads}", m.IsMoE ? $"{m.Experts}+{m.SharedExperts} ({m.TopK})" : "-",
            m.SlidingWindowLayers > 0 ? $"{m.SlidingWindow} ({m.SlidingWindowLayers})" : "-",
            N(m.TotalParameters / 1e9, "0.0"), N(m.ActiveParameters / 1e9, "0.0"), m.PublishedTotalParameters > 0 ? N(m.PublishedTotalParameters / 1e9, "0.0") : "-", N(m.KvBytesPerToken(Precision.BF16) / 1024, "0.0"), m.Source,
        ])]);

    private static int ShowCalibrations(OutputFormat format) => Show(format, "Calibrations (serving step time and training efficiency)",
        ["id", "use", "precision", "compute / matmul", "kernel us", "expert W½", "expert share", "memory", "sampler cycles/entry", "link", "collective us (launch + ring step)", "fitted on", "release", "source"],
        [
            .. SimCatalog.Default.Calibrations.All.Select(c => (IReadOnlyList<string>)
            [
                c.Id, "serving", c.Precision.ToString().ToLowerInvariant(), N(c.Factors.Compute, "0.###"), N(c.Factors.GemmKernelSeconds * 1e6, "0.#"), c.Factors.ExpertHalfWidth > 0 ? N(c.Factors.ExpertHalfWidth, "0") : "-", c.Factors.DequantExpert < 1 ? N(c.Factors.DequantExpert, "0.###") : "-", N(c.Factors.Memory, "0.###"), c.Factors.SamplerCyclesPerEntry > 0 ? N(c.Factors.SamplerCyclesPerEntry, "0.#") : "-", N(c.Factors.Link, "0.###"),
                $"{N(c.Factors.CollectiveLaunchSeconds * 1e6, "0.#")} + {N(c.Factors.CollectiveLatencySeconds * 1e6, "0.##")}",
                c.FittedOn.Length == 0 ? "-" : c.FittedOn, c.FittedRelease.Length == 0 ? "-" : c.FittedRelease, c.Source,
            ]),
            .. Core.Training.TrainingCalibrations.All.Select(c => (IReadOnlyList<string>)
            [
                c.Id, "training", Core.Training.TrainingCalibrations.PrecisionName(c.Precision, c.Fp8Scaling ?? Core.Training.Fp8Scaling.Tensor), N(c.Efficiency.Matmul, "0.####"), "-", "-", c.Efficiency.ExpertMatmul < 1 ? N(c.Efficiency.ExpertMatmul, "0.####") : "-", N(c.Efficiency.Memory, "0.####"), "-", N(c.Efficiency.Link, "0.###"),
                $"0 + {N(c.Efficiency.CollectiveLatencySeconds * 1e6, "0.##")}",
                c.FittedOn, "-", c.Source,
            ]),
        ]);

    private static int ShowSampling(OutputFormat format) => Show(format, "Default sampling by checkpoint (generation_config.json)",
        ["checkpoint", "model", "sampling", "settings", "source"],
        [.. SamplingDefaults.All.Select(d => (IReadOnlyList<string>)
        [
            d.Checkpoint, SimCatalog.Default.Models.TryResolve(d.Checkpoint, out ModelSpec m) ? m.Id : "-",
            d.Mode switch { Core.Performance.SamplingMode.Filtered => "top-p/top-k", Core.Performance.SamplingMode.Greedy => "greedy", _ => "temperature" }, d.Settings, d.Source,
        ])]);

    internal static int Show(OutputFormat format, string title, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        if (format != OutputFormat.Table)
        {
            PlainTable.Write(Console.Out, format, headers, rows);
            return ExitCodes.Success;
        }

        var table = new Table().Border(TableBorder.Rounded).Title(title);
        foreach (string column in headers)
        {
            table.AddColumn(column);
        }

        foreach (IReadOnlyList<string> row in rows)
        {
            Row(table, [.. row]);
        }

        AnsiConsole.Write(table);
        return ExitCodes.Success;
    }
}
