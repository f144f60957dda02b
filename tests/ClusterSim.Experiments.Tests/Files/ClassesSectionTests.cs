using ClusterSim.Core.Inference;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary><c>workload.classes</c> and <c>serving.scheduler.policy</c>: read, written back, refused with their line, swept.</summary>
public class ClassesSectionTests
{
    private const string Classes = """
          requests: 400
          classes:
            interactive: { share: 0.25, priority: 0 }
            batch: { share: 0.75, priority: 2, slo: { ttft_s: 30, tpot_s: 0.5 } }
        """;

    private static string File(string classes = Classes, string policy = "priority") =>
        ExperimentLoaderTests.Valid
            .Replace("max_sequences: 64 }", $"max_sequences: 64, policy: {policy} }}")
            .Replace("  requests: 400\n", classes.Replace("\r", string.Empty) + "\n");

    private static ExperimentProblem Problem(string yaml) => Assert.Single(Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(yaml, "exp.yaml")).Problems);

    [Fact]
    public void Classes_and_the_policy_are_read_in_file_order_and_written_back()
    {
        Experiment experiment = ExperimentLoader.Parse(File(), "exp.yaml");
        ServingPoint point = experiment.Points[0].Serving!;
        Assert.Equal(SchedulingPolicy.Priority, point.Replicas[0].Scheduler.Policy);
        Assert.Equal([new RequestClass("interactive", 0.25, 0), new RequestClass("batch", 0.75, 2) { Slo = new ServiceLevelObjective(30, 0.5) }], point.Classes);
        Assert.Contains("policy: priority", experiment.ResolvedText);
        Assert.Contains("    interactive: { share: 0.25, priority: 0 }", experiment.ResolvedText);
        Assert.Contains("    batch: { share: 0.75, priority: 2, slo: { ttft_s: 30, tpot_s: 0.5 } }", experiment.ResolvedText);

        // The resolved text is itself a valid experiment with the same classes.
        Experiment again = ExperimentLoader.Parse(experiment.ResolvedText, "resolved.yaml");
        Assert.Equal(point.Classes, again.Points[0].Serving!.Classes);
        Assert.Equal(SchedulingPolicy.Priority, again.Points[0].Serving!.Replicas[0].Scheduler.Policy);
    }

    [Fact]
    public void Without_either_a_file_is_FCFS_with_one_class()
    {
        Experiment experiment = ExperimentLoader.Parse(ExperimentLoaderTests.Valid, "exp.yaml");
        Assert.Equal(SchedulingPolicy.Fcfs, experiment.Points[0].Serving!.Replicas[0].Scheduler.Policy);
        Assert.Empty(experiment.Points[0].Serving!.Classes);
        Assert.Contains("policy: fcfs", experiment.ResolvedText);
        Assert.DoesNotContain("classes:", experiment.ResolvedText);
    }

    [Theory]
    [InlineData("    interactive: { share: 0.25, priority: 0 }\n    batch: { share: 0.5, priority: 2 }", "workload.classes", "sum to 0.75")]
    [InlineData("    interactive: { share: 0, priority: 0 }\n    batch: { share: 1 }", "workload.classes.interactive.share", "out of range")]
    [InlineData("    interactive: { priority: 0 }", "workload.classes.interactive.share", "is required")]
    [InlineData("    inter active: { share: 1 }", "workload.classes", "letters, digits")]
    [InlineData("    interactive: { share: 1, priority: high }", "workload.classes.interactive.priority", "expected a number")]
    [InlineData("    interactive: { share: 1, urgency: 0 }", "workload.classes.interactive.urgency", "unknown key")]
    [InlineData("    interactive: { share: 1, slo: { ttft_s: 0 } }", "workload.classes.interactive.slo.ttft_s", "out of range")]
    public void A_bad_class_is_refused_at_its_line(string entries, string path, string message)
    {
        ExperimentProblem problem = Problem(File($"  requests: 400\n  classes:\n{entries}"));
        Assert.Equal(path, problem.Path);
        Assert.Contains(message, problem.Message);
        Assert.True(problem.Line > 0);
    }

    [Fact]
    public void An_unknown_policy_names_the_known_ones()
    {
        ExperimentProblem problem = Problem(File(policy: "lottery"));
        Assert.Equal("serving.scheduler.policy", problem.Path);
        Assert.Contains("fcfs", problem.Message);
        Assert.Contains("priority", problem.Message);
    }

    [Fact]
    public void Classes_combine_with_conversations()
    {
        string yaml = File().Replace("  requests: 400\n", "  conversation: { turns: 2 }\n  requests: 400\n");
        Experiment experiment = ExperimentLoader.Parse(yaml, "exp.yaml");
        Assert.Equal(2, experiment.Points[0].Serving!.Classes.Count);
        Assert.NotNull(experiment.Points[0].Serving!.Conversation);
    }

    [Fact]
    public void A_class_share_can_be_swept_by_its_path()
    {
        string yaml = File().Replace("    workload.arrival.rate: [10, 30]\n    serving.scheduler.kind: [continuous, static]",
            "    workload.classes.interactive.share: [0.25, 0.5]\n    workload.classes.batch.share: [0.75, 0.5]").Replace("mode: grid", string.Empty)
            .Replace("sweep:\n", "sweep:\n  mode: zip\n");
        Experiment experiment = ExperimentLoader.Parse(yaml, "exp.yaml");
        Assert.Equal(2, experiment.Points.Count);
        Assert.Equal(0.5, experiment.Points[1].Serving!.Classes[0].Share);
        Assert.Equal(0.5, experiment.Points[1].Serving!.Classes[1].Share);
    }
}
