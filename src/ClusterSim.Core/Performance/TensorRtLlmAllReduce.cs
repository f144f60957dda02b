namespace ClusterSim.Core.Performance;

/// <summary>
/// TensorRT-LLM's own all-reduce kernel and the messages its all-reduce plugin gives it (the AUTO strategy of
/// <c>cpp/tensorrt_llm/plugins/ncclPlugin/allreducePlugin.cpp</c>, with the workspace of
/// <c>common/customAllReduceUtils.h</c>): on a group whose GPUs all share NVLink, a message within the workspace (16 MB
/// for two ranks, 8 MB for more) goes one-shot when it is small — always for two ranks, under 1 MB for three or four,
/// under 500 kB for more — and everything else, and every message of a group that meets only over PCIe, to NCCL's ring.
/// A decode step's message is its tokens times the hidden width in 16 bits (16 kB a token on Llama 2 70B), so a batch of
/// 30 is the one-shot's last at TP 8.
/// <para>
/// The 0.x plugin sent the sizes between the one-shot's bound and the workspace to a two-shot kernel, which later
/// releases route to NCCL instead ("the two-shot strategy has exhibited significant performance issues", NVIDIA bug
/// 4718747); TensorRT-LLM 0.9.0's Llama 2 70B batches in that range decode no faster than the ring gives (timed as
/// two-shot, one launch and two synchronisations, they came out 17–25 % fast at TP 8 where the ring gives 5–11 %), so
/// they are timed as the ring.
/// </para>
/// </summary>
public static class TensorRtLlmAllReduce
{
    /// <summary>
    /// The first release whose all-reduce picks its kernel from a table measured by GPU, group, hidden width and tokens
    /// (<c>customAllReduceUtils.h</c>'s <c>AllReduceBestStrategyTable</c>, the PyTorch flow's), not by the sizes above.
    /// </summary>
    public static readonly EngineRelease FirstLookupTable = new(1, 0);

    /// <summary>The plugin's workspace, bytes: the largest message its own kernels take.</summary>
    public static double WorkspaceBytes(int ranks) => ranks <= 2 ? 16e6 : 8e6;

    /// <summary>Messages smaller than this go one-shot, bytes (every message within the workspace for two ranks).</summary>
    public static double OneShotBelowBytes(int ranks) => ranks <= 2 ? double.PositiveInfinity : ranks <= 4 ? 1e6 : 500e3;

    /// <summary>
    /// True when <paramref name="deployment"/>'s tensor-parallel all-reduces run on the engine's own kernel: TensorRT-LLM
    /// built with it (<see cref="ServingDeployment.CustomAllReduce"/>), more than one rank, all-reduces (not data-parallel attention's gathers), within one scale-up domain, over a fabric
    /// of its own (the plugin checks that every pair of GPUs shares NVLink; cards that only meet over PCIe take NCCL).
    /// </summary>
    public static bool Applies(ServingDeployment deployment) =>
        deployment.Engine == ServingEngine.TensorRtLlm && deployment.CustomAllReduce && EngineRelease.Before(deployment.EngineVersion, FirstLookupTable)
        && deployment.TensorParallel > 1 && !deployment.AttentionDataParallel
        && !deployment.CrossesNetwork && deployment.Accelerator.HasScaleUpFabric;

    /// <summary>
    /// The most tokens a step can all-reduce one-shot over <paramref name="ranks"/>, <paramref name="bytesPerToken"/> each:
    /// the message within the workspace and under the one-shot's bound.
    /// </summary>
    public static int OneShotTokens(double bytesPerToken, int ranks)
    {
        double below = OneShotBelowBytes(ranks);
        double tokens = Math.Floor(WorkspaceBytes(ranks) / bytesPerToken);
        return (int)(double.IsPositiveInfinity(below) ? tokens : Math.Min(tokens, Math.Ceiling(below / bytesPerToken) - 1));
    }

    /// <summary>
    /// What <paramref name="deployment"/>'s all-reduces run on, when it is the engine's own kernel for small steps (a line
    /// for the <c>step</c> command); null when every step takes the ring.
    /// </summary>
    public static string? Describe(ServingDeployment deployment) => Applies(deployment)
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"collectives: TensorRT-LLM's one-shot all-reduce for steps of up to {OneShotTokens(deployment.Model.Hidden * ActivationBytes, deployment.TensorParallel):N0} tokens (a release before 1.0 on an NVLink group), NCCL's ring beyond")
        : null;

    /// <summary>Bytes a token's activations take in an all-reduce: 16 bits a hidden unit.</summary>
    public const double ActivationBytes = 2;
}
