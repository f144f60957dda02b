using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Bench;

/// <summary>
/// Timing a decode stretch of Vidur's replica (Llama-2-70B, TP 2 on A100-80GB, 9 sequences): each iteration by the full
/// model, by <see cref="DecodeRun.Nanos"/> (attention only) and four at a time by <see cref="DecodeRun.Nanos4"/>.
/// Reported per iteration.
/// </summary>
public class DecodeRunBenchmark
{
    private const int Iterations = 4_096;
    private const int Sequences = 9;
    private StepTimeModel _model = null!;
    private DecodeRun _run;

    [GlobalSetup]
    public void Setup()
    {
        _model = new StepTimeModel(SimCatalog.Default.Deployment("llama-2-70b", "A100-80GB", tensorParallel: 2));
        _run = _model.DecodeRun(Sequences);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Iterations)]
    public long FullModel()
    {
        long total = 0;
        for (int j = 0; j < Iterations; j++)
        {
            total += _model.DecodeNanos(Sequences, 20_000 + (j * Sequences));
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Iterations)]
    public long AttentionOnly()
    {
        long total = 0;
        for (int j = 0; j < Iterations; j++)
        {
            total += _run.Nanos(20_000 + (j * Sequences));
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Iterations)]
    public long FourAtATime()
    {
        var total = Vector256<long>.Zero;
        for (int j = 0; j < Iterations; j += 4)
        {
            total += _run.Nanos4(20_000 + (j * Sequences), Sequences);
        }

        return Vector256.Sum(total);
    }
}
