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
        // Deleted, duplicated and swapped characters at seeded places; any exception other than CatalogException is a bug.
        string text = SimCatalog.ShippedText(name);
        RandomStream random = new RandomStreams(2027).For(name);
        const string Alphabet = ",\"\n-e.0x ;";
        int refused = 0, read = 0;
        for (int k = 0; k < 600; k++)
        {
            int at = random.NextInt(text.Length);
            string mutated = (k % 3) switch
            {
                0 => text.Remove(at, Math.Min(1 + random.NextInt(12), text.Length - at)),
                1 => text.Insert(at, text.Substring(at, Math.Min(1 + random.NextInt(30), text.Length - at))),
                _ => string.Concat(text.AsSpan(0, at), Alphabet[random.NextInt(Alphabet.Length)].ToString(), text.AsSpan(at + 1)),
            };
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
