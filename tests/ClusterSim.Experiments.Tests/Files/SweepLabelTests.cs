using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Tests.Files;

public class SweepLabelTests
{
    private const string Zip = """
        name: z
        training: { model: llama-3.1-8b, hardware: H100-SXM, tokens: 1e10, parallelism: { tensor: 8, data: 16 } }
        sweep:
          mode: zip
          parameters:
            training.parallelism.tensor: [8, 4]
            training.parallelism.data: [16, 32]
        """;

    [Fact]
    public void A_zip_sweep_names_its_points_by_their_labels()
    {
        Experiment e = ExperimentLoader.Parse(Zip + "\n  labels: [wide, narrow]\n", "z.yaml");
        Assert.Equal(["wide", "narrow"], e.Points.Select(p => p.Label));
        Assert.Contains("labels: [wide, narrow]", e.ResolvedText, StringComparison.Ordinal);
        Assert.Equal("tensor=8, data=16", ExperimentLoader.Parse(Zip, "z.yaml").Points[0].Label);
    }

    [Fact]
    public void Labels_of_the_wrong_count_or_repeated_are_located()
    {
        var wrong = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Zip + "\n  labels: [one]\n", "z.yaml"));
        Assert.Contains(wrong.Problems, p => p.Path == "sweep.labels" && p.Line == 8);
        var twice = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Zip + "\n  labels: [a, a]\n", "z.yaml"));
        Assert.Contains(twice.Problems, p => p.Path == "sweep.labels" && p.Message.Contains("its own", StringComparison.Ordinal));
    }
}
