namespace ClusterSim.Core.Inference;

/// <summary>What a replica reports to the cluster that owns it.</summary>
public interface IReplicaHost
{
    /// <summary>A request finished on a replica at <paramref name="now"/> (its id is released afterwards).</summary>
    void OnCompleted(int requestId, long now);

    /// <summary>A request in a test-time-compute group produced its first token (its prompt's KV now exists on <paramref name="replica"/>).</summary>
    void OnFirstToken(Replica replica, int requestId, long now);

    /// <summary>A queued request's client gave up before the replica admitted it (its id is released by the host).</summary>
    void OnExpired(int requestId, long now);

    /// <summary>How long a client waits for a whole answer before giving up, ns; long.MaxValue when it never does.</summary>
    long ClientTimeoutNanos { get; }

    /// <summary>Time of the next scheduled arrival (long.MaxValue when none is known): a macro-step need not run past it.</summary>
    long NextArrivalHint { get; }
}
