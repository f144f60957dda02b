namespace ClusterSim.Core.Inference;

/// <summary>Sees every iteration and every finished request of a serving run (for traces); called on the hot path, so keep it cheap.</summary>
public interface IServingObserver
{
    /// <summary>A replica ran <paramref name="iterations"/> iterations (more than one for a macro-step) from <paramref name="start"/> to <paramref name="end"/>, ns.</summary>
    void OnIterations(int replica, long start, long end, int iterations, int sequences);

    /// <summary>A request finished on a replica: arrival, first token and completion times, ns.</summary>
    void OnRequest(int replica, long arrival, long firstToken, long end, int prompt, int output);

    /// <summary>
    /// A disaggregated request's prefill side finished on a prefill replica, its first token out; its decode side
    /// finishes later and is reported by <see cref="OnRequest"/>. Nothing by default.
    /// </summary>
    void OnHandOff(int replica, long arrival, long firstToken, long end, int prompt, int output)
    {
    }
}
