namespace ClusterSim.Core.Inference;

/// <summary>Keeps the first <see cref="Limit"/> iterations and requests of a run for a timeline view (Perfetto / Chrome tracing).</summary>
public sealed class ServingTraceRecorder(int limit = 200_000) : IServingObserver
{
    private readonly List<IterationSpan> _iterations = [];
    private readonly List<RequestSpan> _requests = [];

    public int Limit => limit;
    public IReadOnlyList<IterationSpan> Iterations => _iterations;
    public IReadOnlyList<RequestSpan> Requests => _requests;

    /// <summary>True when the run produced more than the limit and the trace is cut short.</summary>
    public bool Truncated { get; private set; }

    /// <inheritdoc/>
    public void OnIterations(int replica, long start, long end, int iterations, int sequences)
    {
        if (_iterations.Count < limit)
        {
            _iterations.Add(new IterationSpan(replica, start, end, iterations, sequences));
        }
        else
        {
            Truncated = true;
        }
    }

    /// <inheritdoc/>
    /// <remarks>The trace shows the prefill side as a request of its own, on the prefill replica.</remarks>
    public void OnHandOff(int replica, long arrival, long firstToken, long end, int prompt, int output) => OnRequest(replica, arrival, firstToken, end, prompt, output);

    /// <inheritdoc/>
    public void OnRequest(int replica, long arrival, long firstToken, long end, int prompt, int output)
    {
        if (_requests.Count < limit)
        {
            _requests.Add(new RequestSpan(replica, arrival, firstToken, end, prompt, output));
        }
        else
        {
            Truncated = true;
        }
    }

    /// <summary>One iteration (or macro-step) of a replica.</summary>
    public readonly record struct IterationSpan(int Replica, long Start, long End, int Iterations, int Sequences);

    /// <summary>One finished request.</summary>
    public readonly record struct RequestSpan(int Replica, long Arrival, long FirstToken, long End, int Prompt, int Output);
}
