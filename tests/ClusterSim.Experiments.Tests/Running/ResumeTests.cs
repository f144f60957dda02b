using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Tests.Files;
using ClusterSim.Experiments.Tests.Results;

namespace ClusterSim.Experiments.Tests.Running;

[Collection(WallClockBound.Name)]
public class ResumeTests
{
    // Twelve points of two replications: enough that stopping after three runs leaves most of them undone,
    // however busy the machine is when the stop arrives.
    private static readonly Experiment Tiny = ExperimentLoader.Parse(
        ExperimentLoaderTests.Valid
            .Replace("workload.arrival.rate: [10, 30]", "workload.arrival.rate: [5, 10, 15, 20, 25, 30]")
            .Replace("requests: 400", "requests: 1500"),
        "exp.yaml");

    /// <summary>Cancels the run once <paramref name="after"/> replications have finished; records every report.</summary>
    private sealed class CancelAfter(int after, CancellationTokenSource cancel) : IProgress<RunProgress>
    {
        public List<RunProgress> Reports { get; } = [];

        public void Report(RunProgress value)
        {
            Reports.Add(value);
            if (value.Finished >= after)
            {
                cancel.Cancel();
            }
        }
    }

    [Fact]
    public void An_interrupted_run_keeps_finished_points_and_resumes_to_the_bytes_of_an_uninterrupted_one()
    {
        using var folder = new ResultsFolder();
        ResultWriter.WriteSummary(folder["one"], ExperimentRunner.Run(Tiny, new RunOptions { Workers = 2, Directory = folder["one"] }));

        // One worker, stopped after three of 24 replications: point 0 is complete; runs already under way when the
        // stop arrives may finish a few more points, never all.
        using var cancel = new CancellationTokenSource();
        var stopper = new CancelAfter(3, cancel);
        var options = new RunOptions { Workers = 1, Directory = folder["resumed"] };
        Assert.ThrowsAny<OperationCanceledException>(() => ExperimentRunner.Run(Tiny, options, stopper, cancel.Token));
        var kept = Directory.GetFiles(Path.Combine(folder["resumed"], "points")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.InRange(kept.Count, 1, 11);
        Assert.Equal("point-000.json", kept[0]);
        Assert.False(RunDirectory.IsFinished(folder["resumed"]));
        Assert.Empty(Directory.GetFiles(folder["resumed"], "*.tmp", SearchOption.AllDirectories));

        // Resuming reads the kept points back and runs only the replications of the others.
        var progress = new CancelAfter(int.MaxValue, new CancellationTokenSource());
        var results = ExperimentRunner.Run(Tiny, options with { Resume = true }, progress);
        Assert.Equal(new RunProgress(2 * kept.Count, 24), progress.Reports[0]);
        Assert.Equal(Enumerable.Range(2 * kept.Count, 1 + 24 - (2 * kept.Count)), progress.Reports.Select(r => r.Finished).Distinct());
        Assert.True(progress.Reports.Zip(progress.Reports.Skip(1)).All(p => p.Second.Done >= p.First.Finished), "progress never goes back past a finished run");
        ResultWriter.WriteSummary(folder["resumed"], results);
        Assert.Equal(ResultsFolder.Contents(folder["one"]), ResultsFolder.Contents(folder["resumed"]));
    }

    [Fact]
    public void A_directory_of_another_experiment_is_neither_resumed_nor_written_over()
    {
        using var folder = new ResultsFolder();
        Experiment other = ExperimentLoader.Parse(ExperimentLoaderTests.Valid, "exp.yaml");
        ExperimentRunner.Run(other, new RunOptions { Workers = 2, Directory = folder["a"] });
        string before = File.ReadAllText(Path.Combine(folder["a"], "points", "point-000.json"));

        foreach (bool resume in new[] { true, false })
        {
            var error = Assert.Throws<InvalidDataException>(() => ExperimentRunner.Run(Tiny, new RunOptions { Workers = 2, Directory = folder["a"], Resume = resume }));
            Assert.Contains("holds results of another experiment", error.Message);
        }

        Assert.Equal(before, File.ReadAllText(Path.Combine(folder["a"], "points", "point-000.json")));
        Assert.NotEmpty(ExperimentRunner.Run(Tiny, new RunOptions { Workers = 2, Directory = folder["empty"], Resume = true }));   // nothing there yet: it starts
    }

    [Fact]
    public async Task A_point_that_cannot_be_written_fails_the_run_with_the_io_error()
    {
        using var folder = new ResultsFolder();
        Directory.CreateDirectory(folder["a"]);
        await File.WriteAllTextAsync(Path.Combine(folder["a"], "points"), "a file where the points directory should be");

        Task<IReadOnlyList<PointResult>> run = Task.Run(() => ExperimentRunner.Run(Tiny, new RunOptions { Workers = 2, Directory = folder["a"] }));
        Task first = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60)));

        Assert.Same(run, first);
        await Assert.ThrowsAnyAsync<IOException>(() => run);
    }

    [Fact]
    public void A_truncated_point_file_is_recomputed_not_trusted()
    {
        using var folder = new ResultsFolder();
        ResultWriter.WriteSummary(folder["one"], ExperimentRunner.Run(Tiny, new RunOptions { Workers = 2, Directory = folder["one"] }));
        ResultWriter.WriteSummary(folder["cut"], ExperimentRunner.Run(Tiny, new RunOptions { Workers = 2, Directory = folder["cut"] }));
        string point = Path.Combine(folder["cut"], "points", "point-003.json");
        File.WriteAllText(point, File.ReadAllText(point)[..40]);   // a disk that filled up mid-write, say
        File.Delete(Path.Combine(folder["cut"], "summary.csv"));

        var progress = new CancelAfter(int.MaxValue, new CancellationTokenSource());
        var results = ExperimentRunner.Run(Tiny, new RunOptions { Workers = 2, Directory = folder["cut"], Resume = true }, progress);
        ResultWriter.WriteSummary(folder["cut"], results);

        Assert.Equal(new RunProgress(22, 24), progress.Reports[0]);   // only the damaged point's two replications run again
        Assert.Equal(ResultsFolder.Contents(folder["one"]), ResultsFolder.Contents(folder["cut"]));
    }

    [Theory]
    [InlineData("points/point-002.json")]
    [InlineData("series/point-002.csv")]
    [InlineData("quantiles/point-002.csv")]
    public void An_altered_point_file_that_still_parses_is_recomputed_not_trusted(string file)
    {
        using var folder = new ResultsFolder();
        ResultWriter.WriteSummary(folder["one"], ExperimentRunner.Run(Tiny, new RunOptions { Workers = 2, Directory = folder["one"] }));
        ResultWriter.WriteSummary(folder["edited"], ExperimentRunner.Run(Tiny, new RunOptions { Workers = 2, Directory = folder["edited"] }));
        string path = Path.Combine(folder["edited"], file);
        string text = File.ReadAllText(path);
        int digit = text.IndexOfAny("123456789".ToCharArray(), text.IndexOf('\n', StringComparison.Ordinal) + 1);
        File.WriteAllText(path, text[..digit] + (text[digit] == '9' ? '8' : '9') + text[(digit + 1)..]);   // one digit, still a number
        File.Delete(Path.Combine(folder["edited"], "summary.csv"));

        var progress = new CancelAfter(int.MaxValue, new CancellationTokenSource());
        var results = ExperimentRunner.Run(Tiny, new RunOptions { Workers = 2, Directory = folder["edited"], Resume = true }, progress);
        ResultWriter.WriteSummary(folder["edited"], results);

        Assert.Equal(new RunProgress(22, 24), progress.Reports[0]);
        Assert.Equal(ResultsFolder.Contents(folder["one"]), ResultsFolder.Contents(folder["edited"]));
    }

    [Fact]
    public void A_run_killed_before_its_first_file_landed_resumes_from_scratch()
    {
        using var folder = new ResultsFolder();
        Directory.CreateDirectory(Path.Combine(folder["early"], "points"));
        File.WriteAllText(Path.Combine(folder["early"], "experiment.resolved.yaml.0123abcd.tmp"), "name: half-writ");

        string leftover = Path.Combine(folder["early"], "points", "point-001.json.0123456789abcdef0123456789abcdef.tmp");
        File.WriteAllText(leftover, "{ \"experi");
        string mine = Path.Combine(folder["early"], "notes.tmp");
        File.WriteAllText(mine, "not ClusterSim's");

        var results = ExperimentRunner.Run(Tiny, new RunOptions { Workers = 2, Directory = folder["early"], Resume = true });
        Assert.Equal(Tiny.Points.Count, results.Count);
        Assert.True(File.Exists(ResultWriter.ResolvedPath(folder["early"])));
        Assert.False(File.Exists(leftover), "a whole run's resume sweeps away what a kill left half-written");
        Assert.True(File.Exists(mine), "a file that is not one of ClusterSim's temporaries stays");
    }

    [Fact]
    public void Resuming_needs_a_directory_and_workers_must_be_positive()
    {
        Assert.Throws<ArgumentException>(() => ExperimentRunner.Run(Tiny, new RunOptions { Resume = true }));
        Assert.Throws<ArgumentException>(() => ExperimentRunner.Run(Tiny, new RunOptions { Workers = 0 }));
    }
}
