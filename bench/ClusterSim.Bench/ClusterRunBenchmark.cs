using BenchmarkDotNet.Attributes;
using ClusterSim.Core.Cluster;
using ClusterSim.Core.Engine;

namespace ClusterSim.Bench;

/// <summary>The shared-cluster engine on the scale harness's 10,240-accelerator, 30-day cluster: time and allocation per run.</summary>
[MemoryDiagnoser]
public class ClusterRunBenchmark
{
    [Benchmark]
    public ClusterResult ThirtyDaysOfTenThousandAccelerators() => new ClusterRun(ClusterScaleHarness.Options, new Simulator()).Run();
}
