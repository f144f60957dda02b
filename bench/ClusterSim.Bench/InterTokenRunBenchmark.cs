using BenchmarkDotNet.Attributes;
using ClusterSim.Core.Metrics;

namespace ClusterSim.Bench;

/// <summary>
/// Recording a decode stretch's inter-token gaps: durations that grow by a few microseconds an iteration (Vidur's
/// 70B scenario: about 60 ms each, 18 iterations a stretch), added one value at a time, as a run (a comparison per
/// value) and as a rising run (a galloping search per bucket). Reported per stretch.
/// </summary>
[MemoryDiagnoser]
public class InterTokenRunBenchmark
{
    private const int Stretches = 10_000;
    private readonly long[][] _stretches = new long[Stretches][];
    private readonly QuantileSketch _sketch = new();

    [Params(18, 120)]
    public int Iterations { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        for (int s = 0; s < Stretches; s++)
        {
            long d = 55_000_000 + random.Next(0, 10_000_000);
            _stretches[s] = new long[Iterations];
            for (int j = 0; j < Iterations; j++)
            {
                _stretches[s][j] = d += random.Next(2_000, 6_000);
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Stretches)]
    public void OneByOne()
    {
        foreach (long[] stretch in _stretches)
        {
            foreach (long d in stretch)
            {
                _sketch.AddNanos(d, 9);
            }
        }
    }

    [Benchmark(OperationsPerInvoke = Stretches)]
    public void Run()
    {
        foreach (long[] stretch in _stretches)
        {
            _sketch.AddNanosRun(stretch, 9);
        }
    }

    [Benchmark(OperationsPerInvoke = Stretches)]
    public void Rising()
    {
        foreach (long[] stretch in _stretches)
        {
            _sketch.AddNanosRising(stretch, 9);
        }
    }
}
