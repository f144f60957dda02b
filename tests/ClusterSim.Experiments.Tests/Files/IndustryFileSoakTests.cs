using System.Globalization;
using System.Text;
using ClusterSim.Experiments.Results;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary>
/// Industry experiment files: a lifecycle file of <see cref="LifecycleFileSoakTests"/> and an <c>industry</c> section
/// written from the same seed with well-formed values (ranges of years with the base year inside or outside them, growth
/// and cost trends, two to five dated token volumes, from shrinking by 30 % a year to growing almost ninefold). What
/// <c>validate</c> accepts must run to the end (or find no load that meets its SLO, an answer) with finite, non-negative
/// figures; training spend must grow by its factor from year to year and start from the simulated run's bill, and a
/// crossover must fall between the first and last years' middles. <c>CLUSTERSIM_SOAK=N</c> adds N more seeds.
/// </summary>
[Collection(WallClockBound.Name)]
public class IndustryFileSoakTests
{
    public static TheoryData<int> Seeds() => FileSoak.Seeds(6);

    [Fact]
    public void Most_drawn_files_are_valid() => Assert.InRange(FileSoak.Valid(File, 100), 50, 100);

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_file_that_validates_runs(int seed)
    {
        string text = File(seed);
        if (await FileSoak.Run(text, seed, 180, sloMayBeUnmeetable: true) is not { } run)
        {
            return;
        }

        foreach (PointResult point in run.Results)
        {
            var industry = point.Point.Industry!;
            foreach (var replication in point.Replications)
            {
                var scalars = replication.Scalars().ToDictionary(s => s.Name, s => s.Value);
                double run0 = scalars["training_cost_usd"];
                for (int year = industry.FromYear; year <= industry.ToYear; year++)
                {
                    double expected = run0 * industry.ResearchMultiplier * Math.Pow(industry.TrainingGrowthPerYear, year - industry.BaseYear);
                    Assert.Equal(expected, scalars[$"training_usd_{year}"], expected * 1e-12);
                    Assert.True(double.IsFinite(scalars[$"inference_usd_{year}"]) && scalars[$"inference_usd_{year}"] > 0, $"{year}\n{text}");
                }

                double crossover = scalars["industry_crossover_year"];
                Assert.True(double.IsNaN(crossover) || (crossover >= industry.FromYear + 0.5 && crossover <= industry.ToYear + 0.5), $"{crossover}\n{text}");
            }
        }
    }

    /// <summary>The industry experiment of <paramref name="seed"/>, as YAML.</summary>
    internal static string File(int seed)
    {
        var random = new Random(-seed);
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        var y = new StringBuilder(LifecycleFileSoakTests.File(seed));
        int from = random.Next(2012, 2030), to = from + random.Next(0, 12);
        y.AppendLine("industry:");
        y.AppendLine(CultureInfo.InvariantCulture, $"  from_year: {from}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  to_year: {to}");
        if (random.NextDouble() < 0.8)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  base_year: {random.Next(from - 3, to + 4)}");
        }

        y.AppendLine(CultureInfo.InvariantCulture, $"  training_growth_per_year: {F(0.5 + (random.NextDouble() * 4))}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  training_multiplier: {F(0.5 + (random.NextDouble() * 200))}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  hardware_cost_change_per_year: {F(-0.6 + (random.NextDouble() * 0.8))}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  software_gain_per_year: {F(random.NextDouble() * 1.5)}");
        y.AppendLine("  output_tokens_per_day:");
        var day = new DateOnly(random.Next(2018, 2026), 1, 1).AddDays(random.Next(0, 365));
        double tokens = Math.Pow(10, 8 + (random.NextDouble() * 4));
        for (int k = random.Next(2, 6); k > 0; k--)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"    {day:yyyy-MM-dd}: {F(tokens)}");
            int days = random.Next(60, 900);
            day = day.AddDays(days);
            tokens *= Math.Pow(0.7 + (random.NextDouble() * 8), days / 365.0);   // from shrinking by 30 % a year to growing ninefold
        }

        return y.ToString();
    }
}
