using BenchmarkDotNet.Attributes;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Bench;

/// <summary>
/// What a request costs the scale harness whatever the replica does: its Poisson gap and log-normal lengths drawn by the
/// harness's own workload source, its arrival event through the simulator, a row in the request table,
/// and its completion recorded in the serving metrics (the latency sketches of the run and of the series window). No
/// batch, no KV cache, no step time, and no event of its own for the completion (in the harness it falls within an
/// iteration's event): each request is booked as finished 2.5 s after it came as soon as it arrives. Per request; its
/// inverse bounds the harness's requests per second.
/// </summary>
[MemoryDiagnoser]
public class RequestFloorBenchmark
{
    private const int RequestsPerInvoke = 1_000_000;
    private Simulator _simulator = null!;
    private Floor _floor = null!;

    [GlobalSetup]
    public void Setup()
    {
        _simulator = new Simulator(256);
        _floor = new Floor(
            RequestSource.Open(ArrivalProcess.Poisson(39.7), ScaleHarness.Prompt(), ScaleHarness.Output(), new RandomStreams(1)),
            new ServingMetrics(new ServiceLevelObjective(), SimTime.FromSeconds(60)));
        _floor.Start(_simulator);
    }

    [Benchmark(OperationsPerInvoke = RequestsPerInvoke)]
    public long Requests()
    {
        long before = _floor.Completed;
        while (_floor.Completed - before < RequestsPerInvoke)
        {
            _simulator.Step();
        }

        return _floor.Completed;
    }

    private sealed class Floor(RequestSource source, ServingMetrics metrics) : IEventHandler
    {
        private static readonly long Sojourn = SimTime.FromSeconds(2.5);
        private static readonly long FirstToken = SimTime.FromSeconds(0.05);
        private readonly RequestTable _requests = new();

        public long Completed { get; private set; }

        public void Start(Simulator simulator) => simulator.Schedule(source.NextGap(0), this);

        public void OnEvent(Simulator simulator, in SimEvent simEvent)
        {
            long now = simEvent.Time;
            var (prompt, output) = source.NextLengths();
            int id = _requests.Add(now, prompt, output);
            _requests.MarkFirstToken(id, now + FirstToken);
            metrics.RecordCompletion(_requests, id, now + Sojourn);
            _requests.Release(id);
            Completed++;
            simulator.Schedule(Math.Max(1, source.NextGap(now)), this);
        }
    }
}
