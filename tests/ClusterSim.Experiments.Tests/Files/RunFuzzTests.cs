using ClusterSim.Core.Engine;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Running;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary>
/// Seeded damage to small experiments of every kind (FuzzSeeds/): what <c>validate</c> accepts must also run to the end —
/// an input that passes validation and then fails or hangs inside a run is a validation gap, and this test names it.
/// An SLO that no load meets is an answer the simulation gives (<see cref="UnmeetableSloException"/>), not a gap.
/// </summary>
[Collection(WallClockBound.Name)]
public class RunFuzzTests
{
    private const int Mutations = 100;
    private static readonly string SeedFolder = Path.Combine(RepositoryRoot.Path, "tests", "ClusterSim.Experiments.Tests", "Files", "FuzzSeeds");

    public static TheoryData<string> Seeds() => new(Directory.GetFiles(SeedFolder, "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task What_validates_also_runs(string seed)
    {
        string file = Path.Combine(SeedFolder, seed);
        string text = File.ReadAllText(file);
        ExperimentLoader.Parse(text, file);
        RandomStream random = new RandomStreams(2028).For(seed);
        var failures = new List<string>();
        int ran = 0, refused = 0;
        for (int k = 0; k < Mutations; k++)
        {
            string mutated = TextMutator.Mutate(text, k, random);
            Experiment experiment;
            try
            {
                experiment = ExperimentLoader.Parse(mutated, file);
            }
            catch (ExperimentException)
            {
                refused++;
                continue;
            }

            Task run = Task.Run(() => ExperimentRunner.Run(experiment, new RunOptions { Workers = 1 }));
            if (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30))) != run)
            {
                failures.Add($"mutation {k}: still running after 30 s\n{mutated}");
            }
            else if (run.Exception is { } e && !e.Flatten().InnerExceptions.All(x => x is UnmeetableSloException))
            {
                failures.Add($"mutation {k}: {string.Join("; ", e.Flatten().InnerExceptions.Select(x => x.GetType().Name + ": " + x.Message))}\n{mutated}");
            }
            else
            {
                ran++;
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} accepted experiment(s) failed to run:\n" + string.Join("\n---\n", failures));
        Assert.True(ran > 0 && refused > 0, $"{ran} ran, {refused} refused");
    }
}
