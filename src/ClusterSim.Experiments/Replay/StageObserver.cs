using ClusterSim.Core.Inference;

namespace ClusterSim.Experiments.Replay;

/// <summary>Sums each finished request's latencies into the load stage it arrived in (no per-request storage).</summary>
/// <remarks>A request finishing more than <paramref name="timeoutNanos"/> after it arrived was abandoned by its client: not counted.</remarks>
internal sealed class StageObserver(long[] stageEnds, int scoredOutput, long timeoutNanos) : IServingObserver
{
    private readonly double[] _ttft = new double[stageEnds.Length];
    private readonly double[] _e2e = new double[stageEnds.Length];
    private readonly double[] _output = new double[stageEnds.Length];
    private readonly long[] _count = new long[stageEnds.Length];

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
        _output[stage] += output;
        _count[stage]++;
    }

    /// <summary>
    /// Means over stages <paramref name="from"/> to <paramref name="to"/> inclusive. ITL is scored as the measurements
    /// define it: (mean E2E − mean TTFT) / (output − 1), with the output count the measurement used.
    /// </summary>
    public SimulatedStage Summary(int from, int to, double seconds)
    {
        double ttft = 0, e2e = 0, output = 0;
        long n = 0;
        for (int s = from; s <= to; s++)
        {
            ttft += _ttft[s];
            e2e += _e2e[s];
            output += _output[s];
            n += _count[s];
        }

        if (n == 0)
        {
            return new SimulatedStage(double.NaN, double.NaN, double.NaN, 0, 0);
        }

        double itl = scoredOutput > 1 ? ((e2e - ttft) / n) / (scoredOutput - 1) : double.NaN;
        return new SimulatedStage(ttft / n, itl, e2e / n, output / seconds, n);
    }
}
