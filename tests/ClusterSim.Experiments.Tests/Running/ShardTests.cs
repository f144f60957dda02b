using ClusterSim.Experiments.Running;

namespace ClusterSim.Experiments.Tests.Running;

public class ShardTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Explicit_shards_split_the_points_round_robin()
    {
        Shard shard = Shard.Parse("1/3", Environment());
        Assert.Equal(new Shard(1, 3), shard);
        Assert.Equal([1, 4, 7], Enumerable.Range(0, 9).Where(shard.Owns));
        Assert.True(Shard.Whole.IsWhole);
    }

    [Fact]
    public void Slurm_array_jobs_give_index_and_count_counting_from_the_first_task()
    {
        Assert.Equal(new Shard(2, 4), Shard.Parse("auto", Environment(("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_COUNT", "4"))));
        Assert.Equal(new Shard(0, 2), Shard.Parse("auto", Environment(("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_COUNT", "2"))));
    }

    [Fact]
    public void Kubernetes_indexed_jobs_give_the_index_and_the_count_is_written()
    {
        Assert.Equal(new Shard(3, 8), Shard.Parse("auto/8", Environment(("JOB_COMPLETION_INDEX", "3"))));
    }

    [Theory]
    [InlineData("3/3", "index 3 is not in 0..2")]
    [InlineData("x/3", "the shard index i must be a whole number, got 'x'")]
    [InlineData("2", "expected i/n")]
    [InlineData("auto", "SLURM_ARRAY_TASK_COUNT is not set")]
    [InlineData("auto/4", "neither SLURM_ARRAY_TASK_ID")]
    [InlineData("1/2/3", "expected i/n")]
    public void Bad_shards_say_what_was_expected(string text, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => Shard.Parse(text, Environment()));
        Assert.Contains(message, error.Message);
    }
}
