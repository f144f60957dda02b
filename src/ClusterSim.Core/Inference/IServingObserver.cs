namespace ClusterSim.Core.Inference;

/// <summary>Sees every iteration and every finished request of a serving run (for traces); called on the hot path, so keep it cheap.</summary>
public interface IServingObserver
{
    /// <summary>A replica ran <paramref name="iterations"/> iterations (more than one for a macro-step) from <paramref name="start"/> to <paramref name="end"/>, ns.</summary>
    void OnIterations(int replica, long start, long end, int iterations, int sequences);

    /// <summary>A request finished on a replica: arrival, first token and completion times, ns.</summary>
    void OnRequest(int replica, long arrival, long firstToken, long end, int prompt, int output);
}
