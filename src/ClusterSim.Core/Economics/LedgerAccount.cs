namespace ClusterSim.Core.Economics;

/// <summary>What an accelerator-hour was spent on.</summary>
public enum LedgerAccount
{
    Training,

    /// <summary>Serving capacity doing work (provisioned hours × utilisation).</summary>
    Inference,

    /// <summary>Provisioned serving capacity left idle (headroom, troughs, cold starts).</summary>
    Idle,
}
