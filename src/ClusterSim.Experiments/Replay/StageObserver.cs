using ClusterSim.Core.Inference;
using ClusterSim.Core.Metrics;

namespace ClusterSim.Experiments.Replay;

/// <summary>Sums each finished request's latencies into the load stage it arrived in, and sketches their tails (no per-request storage).</summary>
/// <remarks>
/// A request finishing more than <paramref name="timeoutNanos"/> after it arrived was abandoned by its client: not counted.
/// With <paramref name="perRequestTpot"/> (requests of recorded, differing lengths) ITL is scored as the benchmark clients
/// compute TPOT: the mean over requests of more than one output token of (E2E − TTFT) / (output − 1).
/// </remarks>
internal sealed class StageObserver(long[] stageEnds, int scoredOutput, long timeoutNanos, bool perRequestTpot = false) : IServingObserver
{
    private readonly double[] _tpot = new double[stageEnds.Length];
    private readonly long[] _tpotCount = new long[stageEnds.Length];
    private readonly double[] _ttft = new double[stageEnds.Length];
    private readonly double[] _e2e = new double[stageEnds.Length];
    private readonly double[] _output = new double[stageEnds.Length];
    private readonly long[] _count = new long[stageEnds.Length];
    private readonly QuantileSketch[] _ttftTail = [.. stageEnds.Select(_ => new QuantileSketch())];
    private readonly QuantileSketch[] _e2eTail = [.. stageEnds.Select(_ => new QuantileSketch())];
    private readonly QuantileSketch[] _tpotTail = [.. stageEnds.Select(_ => new QuantileSketch())];

    public void OnIterations(int replica, long start, long end, int iterations, int sequences)
    {
    }

    public void OnRequest(int replica, long arrival, long firstToken, long end, int prompt, int output)
    {
        if (end - arrival > timeoutNanos)
        {
            return;
        }

        int stage = 0;
        while (stage < stageEnds.Length - 1 && arrival >= stageEnds[stage])
        {
            stage++;
        }

        _ttft[stage] += (firstToken - arrival) / 1e6;
        _e2e[stage] += (end - arrival) / 1e6;
        _ttftTail[stage].AddNanos(firstToken - arrival);
        _e2eTail[stage].AddNanos(end - arrival);
        _output[stage] += output;
        _count[stage]++;
        if (output > 1)
        {
            _tpot[stage] += (end - firstToken) / 1e6 / (output - 1);
            _tpotTail[stage].Add((end - firstToken) / 1e9 / (output - 1));
            _tpotCount[stage]++;
        }
    }

    /// <summary>
    /// Means over stages <paramref name="from"/> to <paramref name="to"/> inclusive. ITL is scored as the measurements
    /// define it: (mean E2E − mean TTFT) / (output − 1), with the output count the measurement used, or per request when
    /// the requests' own lengths were recorded.
    /// </summary>
    public SimulatedStage Summary(int from, int to, double seconds)
    {
        double ttft = 0, e2e = 0, output = 0, tpot = 0;
        long n = 0, tpotCount = 0;
        for (int s = from; s <= to; s++)
        {
            ttft += _ttft[s];
            e2e += _e2e[s];
            output += _output[s];
            n += _count[s];
            tpot += _tpot[s];
            tpotCount += _tpotCount[s];
        }

        if (n == 0)
        {
            return new SimulatedStage(double.NaN, double.NaN, double.NaN, 0, 0);
        }

        double itl = perRequestTpot ? (tpotCount > 0 ? tpot / tpotCount : double.NaN)
            : scoredOutput > 1 ? ((e2e - ttft) / n) / (scoredOutput - 1) : double.NaN;
        var ttftTail = new QuantileSketch();
        var e2eTail = new QuantileSketch();
        var tpotTail = new QuantileSketch();
        for (int s = from; s <= to; s++)
        {
            ttftTail.Merge(_ttftTail[s]);
            e2eTail.Merge(_e2eTail[s]);
            tpotTail.Merge(_tpotTail[s]);
        }

        return new SimulatedStage(ttft / n, itl, e2e / n, output / seconds, n)
        {
            TtftP50Ms = ttftTail.Quantile(0.50) * 1e3,
            TtftP90Ms = ttftTail.Quantile(0.90) * 1e3,
            TtftP99Ms = ttftTail.Quantile(0.99) * 1e3,
            E2eP90Ms = e2eTail.Quantile(0.90) * 1e3,
            E2eP99Ms = e2eTail.Quantile(0.99) * 1e3,
        }.WithTokenTails(tpotTail);
    }
}
