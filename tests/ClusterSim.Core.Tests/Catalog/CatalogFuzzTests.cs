using ClusterSim.Core.Catalog;
using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Tests.Catalog;

/// <summary>Seeded mutations of every shipped catalog: each ends as a catalog or a located <see cref="CatalogException"/>.</summary>
public class CatalogFuzzTests
{
    public static TheoryData<string> Catalogs() => new() { "hardware.csv", "models.csv", "calibration.csv" };

    [Theory]
    [MemberData(nameof(Catalogs))]
    public void Mutated_catalog_rows_are_read_or_refused_with_their_line(string name)
    {
        // The shared corpus generator's damage at seeded places; any exception other than CatalogException is a bug.
        string text = SimCatalog.ShippedText(name);
        RandomStream random = new RandomStreams(2027).For(name);
        int refused = 0, read = 0;
        for (int k = 0; k < 600; k++)
        {
            string mutated = ClusterSim.Tests.TextMutator.Mutate(text, k, random);
            try
            {
                CsvTable table = CsvTable.Parse(new StringReader(mutated), $"catalog/{name}");
                _ = name switch
                {
                    "hardware.csv" => (object)HardwareCatalog.Empty.With(table),
                    "models.csv" => ModelCatalog.Empty.With(table),
                    _ => CalibrationCatalog.Empty.With(table),
                };
                read++;
            }
            catch (CatalogException e)
            {
                Assert.Contains($"catalog/{name}:", e.Message, StringComparison.Ordinal);
                refused++;
            }
        }

        Assert.True(refused > 0 && read > 0, $"{refused} refused, {read} read");
    }
}
