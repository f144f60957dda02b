using BenchmarkDotNet.Attributes;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Queueing;

namespace ClusterSim.Bench;

/// <summary>An M/M/1 queue at ρ = 0.9; reported per customer (one arrival and one departure event each).</summary>
[MemoryDiagnoser]
public class MM1Benchmark
{
    private const int Customers = 1_000_000;

    [Benchmark(OperationsPerInvoke = Customers)]
    public long Customers1M()
    {
        var streams = new RandomStreams(7);
        RandomStream arrivals = streams.For("arrivals");
        RandomStream service = streams.For("service");
        var simulator = new Simulator();
        var station = new MultiServerQueue(1, () => 1 + (long)(arrivals.Exponential(0.9) * 1e6), () => 1 + (long)(service.Exponential(1.0) * 1e6));
        station.Start(simulator);
        while (station.Served < Customers)
        {
            simulator.Step();
        }

        return station.Served;
    }
}
