namespace ClusterSim.Core.Catalog;

/// <summary>Accelerators by id (case-insensitive), loaded from CSV with each row's source.</summary>
public sealed class HardwareCatalog : CatalogTable<AcceleratorSpec>
{
    private HardwareCatalog(Dictionary<string, AcceleratorSpec> items)
        : base(items, "hardware", spec => spec.Aliases, revisionsNameRows: true)
    {
    }

    /// <summary>An empty catalog.</summary>
    public static HardwareCatalog Empty => new(NoItems());

    /// <summary>A catalog holding this one's rows, replaced or extended by the rows of <paramref name="table"/>.</summary>
    public HardwareCatalog With(CsvTable table)
    {
        var items = CopyItems();
        foreach (var (line, cells) in table.Rows)
        {
            var row = new CsvRowReader(table, line, cells);
            var spec = new AcceleratorSpec
            {
                Id = row.Text("id"),
                Name = row.Text("name"),
                Vendor = row.Text("vendor"),
                Year = row.Integer("year", 0),
                Kind = row.Text("kind"),
                Bf16Tflops = row.Number("bf16_tflops", 0),
                Fp8Tflops = row.OptionalNumber("fp8_tflops"),
                Int8Tops = row.OptionalNumber("int8_tops"),
                Fp4Tflops = row.OptionalNumber("fp4_tflops"),
                SmGhz = row.OptionalNumber("sm_ghz"),
                Sms = row.OptionalNumber("sms") is double smCount ? (int)smCount : null,
                MemoryGB = row.Number("hbm_gb"),
                MemoryGiB = row.Number("memory_gib"),
                Calibration = row.Text("calibration", required: false),
                MemoryTBps = row.Number("hbm_tb_s"),
                ScaleUpGBps = row.OptionalNumber("scale_up_gb_s"),
                ScaleOutGBps = row.OptionalNumber("scale_out_gb_s"),
                ScaleUpDomain = row.OptionalNumber("scale_up_domain") is double domain ? (int)domain : null,
                HostLinkGBps = row.OptionalNumber("host_link_gb_s"),
                TdpWatts = row.OptionalNumber("tdp_w"),
                SustainedShare = row.OptionalNumber("sustained_share") ?? 1,
                PricePerHour = row.OptionalNumber("price_usd_per_hour"),
                PriceLow = row.OptionalNumber("price_low"),
                PriceHigh = row.OptionalNumber("price_high"),
                Aliases = CsvRowReader.List(row.Text("aliases", required: false)),
                Source = row.Text("source"),
            };

            if (spec.MemoryGB <= 0 || spec.MemoryGiB <= 0 || spec.MemoryTBps <= 0)
            {
                throw new CatalogException(table.Source, line, "hbm_gb", "memory size and bandwidth must be positive");
            }

            if (spec.SustainedShare is <= 0 or > 1 || double.IsNaN(spec.SustainedShare))
            {
                throw new CatalogException(table.Source, line, "sustained_share", $"{spec.SustainedShare} is not a share in (0, 1] of the datasheet figures the card sustains");
            }

            if (spec.ScaleUpDomain is { } d && (d < 1 || d != row.OptionalNumber("scale_up_domain")))
            {
                throw new CatalogException(table.Source, line, "scale_up_domain", "a whole number of accelerators, at least 1");
            }

            if (spec.Sms is { } sms && (sms < 1 || sms != row.OptionalNumber("sms")))
            {
                throw new CatalogException(table.Source, line, "sms", "a whole number of streaming multiprocessors, at least 1");
            }

            items[spec.Id] = spec;
        }

        return new HardwareCatalog(items);
    }
}
