using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Tests.Files;

public class DeploymentSectionTests
{
    [Fact]
    public void Weights_a_chip_cannot_compute_in_are_named_in_a_warning_not_silently_promoted()
    {
        Experiment a100 = ExperimentLoader.Parse(ExperimentLoaderTests.Valid.Replace("hardware: H100-SXM", "hardware: A100-80GB", StringComparison.Ordinal), "exp.yaml");
        Assert.Equal(Precision.BF16, a100.Points[0].Serving!.Replicas[0].Deployment.ComputePrecision);
        Assert.Contains("warning: A100-80GB: FP8 weights are computed in BF16 (A100-80GB has no FP8 units); they stay FP8 in memory", a100.Calibrations);

        Experiment h100 = ExperimentLoader.Parse(ExperimentLoaderTests.Valid, "exp.yaml");
        Assert.DoesNotContain(h100.Calibrations, c => c.Contains("are computed in", StringComparison.Ordinal));
    }

    [Fact]
    public void Hardware_without_a_tdp_is_named_in_a_warning_since_its_energy_reads_zero()
    {
        Experiment inf2 = ExperimentLoader.Parse(ExperimentLoaderTests.Valid.Replace("hardware: H100-SXM", "hardware: Inferentia2", StringComparison.Ordinal), "exp.yaml");
        Assert.Contains(inf2.Calibrations, c => c.StartsWith("warning: Inferentia2: no TDP in the catalog", StringComparison.Ordinal));
    }
}
