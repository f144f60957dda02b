using System.Globalization;
using ClusterSim.Experiments.Calibration;
using ClusterSim.Tests;

namespace ClusterSim.Cli.Tests;

/// <summary>
/// <c>calibrate</c> on measured-runs files of well-formed rows (<see cref="RandomMeasuredRuns"/>: any model, GPU, engine,
/// release, precision, parallelism and way of sending) fitting one to three factors drawn from every one it knows. It
/// either refuses with an error and no stack trace, or writes a calibration whose every factor is finite and in its range
/// (fractions in (0, 1], the rest not negative), names each group's row once, and which <c>replay</c> then takes.
/// <c>CLUSTERSIM_SOAK=N</c> adds N more seeds.
/// </summary>
[Collection("console")]
public class CalibrateSoakTests
{
    public static TheoryData<int> Seeds() => SoakSeeds.Seeds(8);

    [Fact]
    public void Some_drawn_fits_are_written()
    {
        // The soak is worth the fits it writes: a generator whose files are all refused tests only the refusals.
        int written = Enumerable.Range(1, 20).Count(Fit);
        Assert.InRange(written, 12, 20);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_fit_is_refused_with_a_reason_or_written_in_range_and_replayable(int seed) => Fit(seed);

    /// <summary>Fits the file of <paramref name="seed"/>, checks the outcome, and says whether a calibration was written.</summary>
    private static bool Fit(int seed)
    {
        var random = new Random(seed);
        string[] names = [.. FitParameter.All.Select(p => p.Name).OrderBy(_ => random.Next()).Take(random.Next(1, 4))];
        string folder = Directory.CreateTempSubdirectory("calibrate-soak-").FullName;
        try
        {
            string measured = Path.Combine(folder, $"soak-{seed}.csv"), output = Path.Combine(folder, "fit.csv");
            string text = RandomMeasuredRuns.File(seed, rows: 3, ttftMaxMs: 900);   // under a second: rows a fit can use
            File.WriteAllText(measured, text);
            string[] args = ["calibrate", measured, "-o", output, "--parameters", string.Join(',', names), "--max-evaluations", "12"];
            (int code, string stdout, string error) = CommandRunner.Run(args);
            string what = $"{string.Join(' ', args)}\n{error}\n{text}";
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
            if (code != 0)
            {
                Assert.Equal(2, code);
                Assert.StartsWith("error:", error.TrimStart(), StringComparison.Ordinal);
                Assert.False(File.Exists(output), $"a refused fit wrote {output}\n{what}");
                return false;
            }

            string[] lines = File.ReadAllLines(output);
            string[] header = lines[0].Split(',');
            Assert.True(lines.Length >= 2, what);
            var ids = new HashSet<string>();
            foreach (string line in lines.Skip(1))
            {
                string[] cells = line.Split(',');
                Assert.True(ids.Add(cells[0] + "/" + cells[1]), $"{cells[0]}/{cells[1]} written twice\n{what}");
                foreach (FitParameter p in FitParameter.All.Where(p => names.Contains(p.Name)))
                {
                    int column = Array.IndexOf(header, p.Name);
                    Assert.True(column >= 0, $"{p.Name} not a column of {output}");
                    double value = double.Parse(cells[column], CultureInfo.InvariantCulture);
                    Assert.True(double.IsFinite(value) && value >= 0 && (!p.IsFraction || (value > 0 && value <= 1)), $"{p.Name} = {value}\n{what}");
                }
            }

            Assert.Contains($"wrote {output}", stdout, StringComparison.Ordinal);
            (int replayed, _, string replayError) = CommandRunner.Run(["replay", measured, "--calibration", output]);
            Assert.True(replayed == 0, $"replay with the fit: {replayError}\n{what}");
            return true;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
