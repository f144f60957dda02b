namespace ClusterSim.Core.Inference.TestTime;

/// <summary>
/// Logical requests in flight and their samples, as parallel arrays indexed by a recycled group id. The first
/// sample prefills the prompt; the other samples join the same replica once its KV exists and share it.
/// </summary>
internal sealed class TestTimeGroups(TestTimeMetrics metrics, long warmupNanos)
{
    private long[] _arrival = new long[256];
    private int[] _remaining = new int[256];
    private int[] _siblings = new int[256];
    private int[] _prompt = new int[256];
    private int[] _output = new int[256];
    private int[] _thinking = new int[256];
    private double[] _success = new double[256];
    private int[] _free = new int[256];
    private int _freeCount;
    private int _used;

    public TestTimeMetrics Metrics => metrics;

    /// <summary>Opens a group for a logical request; its first sample is about to be added.</summary>
    public int Open(long arrival, RequestPlan plan, int prompt, int output)
    {
        int g;
        if (_freeCount > 0)
        {
            g = _free[--_freeCount];
        }
        else
        {
            if (_used == _arrival.Length)
            {
                Grow();
            }

            g = _used++;
        }

        _arrival[g] = arrival;
        _remaining[g] = plan.Samples;
        _siblings[g] = plan.Samples - 1;
        _prompt[g] = prompt;
        _output[g] = output;
        _thinking[g] = plan.ThinkingTokens;
        _success[g] = plan.SuccessProbability;
        return g;
    }

    public long Arrival(int g) => _arrival[g];
    public int Prompt(int g) => _prompt[g];
    public int Output(int g) => _output[g];

    /// <summary>Samples still to start (once): the caller adds them beside the first sample.</summary>
    public int TakeSiblings(int g)
    {
        int n = _siblings[g];
        _siblings[g] = 0;
        return n;
    }

    /// <summary>A sample finished (or could not be placed); closes the group after its last and returns true then.</summary>
    public bool SampleDone(int g, long now, bool served)
    {
        if (served)
        {
            CountTokens(g);
        }

        if (--_remaining[g] > 0)
        {
            return false;
        }

        if (_arrival[g] >= warmupNanos)
        {
            metrics.Completed++;
            metrics.CorrectSum += _success[g];
            metrics.Latency.Add(Engine.SimTime.ToSeconds(now - _arrival[g]));
        }

        _free[_freeCount++] = g;
        return true;
    }

    /// <summary>The first sample was dropped: the logical request is lost.</summary>
    public void DropAll(int g)
    {
        if (_arrival[g] >= warmupNanos)
        {
            metrics.Dropped++;
        }

        _free[_freeCount++] = g;
    }

    private void CountTokens(int g)
    {
        if (_arrival[g] >= warmupNanos)
        {
            metrics.Samples++;
            metrics.OutputTokens += _output[g];
            metrics.ThinkingTokens += _thinking[g];
        }
    }

    private void Grow()
    {
        int size = _arrival.Length * 2;
        Array.Resize(ref _arrival, size);
        Array.Resize(ref _remaining, size);
        Array.Resize(ref _siblings, size);
        Array.Resize(ref _prompt, size);
        Array.Resize(ref _output, size);
        Array.Resize(ref _thinking, size);
        Array.Resize(ref _success, size);
        Array.Resize(ref _free, size);
    }
}
