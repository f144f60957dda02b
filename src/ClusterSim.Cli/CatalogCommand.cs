using System.CommandLine;
using System.Globalization;
using ClusterSim.Core.Catalog;
using Spectre.Console;

namespace ClusterSim.Cli;

/// <summary>`clustersim catalog hardware|models`: the shipped catalogs as tables.</summary>
internal static class CatalogCommand
{
    public static Command Build()
    {
        var command = new Command("catalog", "Show the shipped hardware or model catalog.");
        var hardware = new Command("hardware", "Accelerators: dense peaks, memory, links, power and default price.");
        hardware.SetAction(_ => ShowHardware());
        var models = new Command("models", "Models: shape and parameter counts (computed and published).");
        models.SetAction(_ => ShowModels());
        command.Subcommands.Add(hardware);
        command.Subcommands.Add(models);
        return command;
    }

    /// <summary>A row of plain text: catalog fields (a source's "[1]", say) are never read as markup.</summary>
    private static void Row(Table table, params string[] cells) => table.AddRow(cells.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c)).ToArray());

    private static string N(double? value, string format = "0.##") => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    private static int ShowHardware()
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Hardware catalog (dense peaks)");
        foreach (string column in new[] { "id", "vendor", "BF16 TF", "FP8 TF", "INT8 TOPS", "mem GB", "mem TB/s", "scale-up GB/s", "TDP W", "$/h", "source" })
        {
            table.AddColumn(column);
        }

        foreach (AcceleratorSpec a in SimCatalog.Default.Hardware.All)
        {
            Row(table, a.Id, a.Vendor, N(a.Bf16Tflops), N(a.Fp8Tflops), N(a.Int8Tops), N(a.MemoryGB), N(a.MemoryTBps, "0.###"), N(a.ScaleUpGBps), N(a.TdpWatts), N(a.PricePerHour, "0.00"), a.Source);
        }

        AnsiConsole.Write(table);
        return ExitCodes.Success;
    }

    private static int ShowModels()
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Model catalog");
        foreach (string column in new[] { "id", "layers", "hidden", "heads/kv", "experts (top-k)", "total B", "active B", "published B", "KV KiB/token (BF16)", "source" })
        {
            table.AddColumn(column);
        }

        foreach (ModelSpec m in SimCatalog.Default.Models.All)
        {
            Row(table, m.Id, N(m.Layers), N(m.Hidden), $"{m.Heads}/{m.KvHeads}", m.IsMoE ? $"{m.Experts}+{m.SharedExperts} ({m.TopK})" : "-",
                N(m.TotalParameters / 1e9, "0.0"), N(m.ActiveParameters / 1e9, "0.0"), N(m.PublishedTotalParameters / 1e9, "0.0"), N(m.KvBytesPerToken(Precision.BF16) / 1024, "0.0"), m.Source);
        }

        AnsiConsole.Write(table);
        return ExitCodes.Success;
    }
}
