using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Tests.Files;

namespace ClusterSim.Experiments.Tests.Results;

public class ShardMergeTests
{
    private static readonly Experiment Tiny = ExperimentLoader.Parse(ExperimentLoaderTests.Valid, "exp.yaml");

    private static void RunWhole(Experiment experiment, string directory)
    {
        var results = ExperimentRunner.Run(experiment, new RunOptions { Workers = 2, Directory = directory });
        ResultWriter.WriteSummary(directory, results);
    }

    [Fact]
    public void Shards_in_their_own_directories_merge_into_the_bytes_of_one_run()
    {
        using var folder = new ResultsFolder();
        RunWhole(Tiny, folder["one"]);
        string[] shards = Enumerable.Range(0, 3).Select(i => folder[$"shard-{i}"]).ToArray();
        for (int i = 0; i < 3; i++)
        {
            var owned = ExperimentRunner.Run(Tiny, new RunOptions { Workers = 1, Shard = new Shard(i, 3), Directory = shards[i] });
            Assert.All(owned, r => Assert.Equal(i, r.Point.Index % 3));
        }

        Assert.False(RunDirectory.IsFinished(shards[0]));
        var merged = ShardMerge.Merge(Tiny, shards, folder["merged"]);

        Assert.Equal(Enumerable.Range(0, 4), merged.Select(r => r.Point.Index));
        Assert.Equal(ResultsFolder.Contents(folder["one"]), ResultsFolder.Contents(folder["merged"]));
    }

    [Fact]
    public void Shards_sharing_one_directory_merge_in_place()
    {
        using var folder = new ResultsFolder();
        RunWhole(Tiny, folder["one"]);
        foreach (int i in new[] { 1, 0 })
        {
            ExperimentRunner.Run(Tiny, new RunOptions { Workers = 2, Shard = new Shard(i, 2), Directory = folder["shared"] });
        }

        ShardMerge.Merge(Tiny, [folder["shared"]], folder["shared"]);
        Assert.Equal(ResultsFolder.Contents(folder["one"]), ResultsFolder.Contents(folder["shared"]));
    }

    [Fact]
    public void A_missing_shard_is_named_by_its_points()
    {
        using var folder = new ResultsFolder();
        ExperimentRunner.Run(Tiny, new RunOptions { Workers = 2, Shard = new Shard(0, 2), Directory = folder["a"] });
        var error = Assert.Throws<InvalidDataException>(() => ShardMerge.Merge(Tiny, [folder["a"]], folder["out"]));
        Assert.Contains("2 of 4 points have no results", error.Message);
        Assert.Contains(": 1, 3;", error.Message);
        Assert.False(Directory.Exists(folder["out"]));
    }

    [Fact]
    public void Results_of_another_experiment_are_refused()
    {
        using var folder = new ResultsFolder();
        ExperimentRunner.Run(Tiny, new RunOptions { Workers = 2, Directory = folder["a"] });
        Experiment edited = ExperimentLoader.Parse(ExperimentLoaderTests.Valid.Replace("requests: 400", "requests: 500"), "exp.yaml");
        var error = Assert.Throws<InvalidDataException>(() => ShardMerge.Merge(edited, [folder["a"]], folder["out"]));
        Assert.Contains("holds results of another experiment", error.Message);
        Assert.Throws<InvalidDataException>(() => ShardMerge.Merge(Tiny, [folder["nowhere"]], folder["out"]));
    }
}
