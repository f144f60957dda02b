namespace ClusterSim.Core.Performance;

/// <summary>
/// A step's tensor-parallel all-reduces, timed by the kernel the engine runs for the step's message: TensorRT-LLM's
/// one-shot up to a size (<see cref="TensorRtLlmAllReduce"/>), the ring beyond it, and the ring alone for the other
/// engines and fabrics. Each kernel's cost is a fixed part (launch and synchronisations) and a part per token of the step.
/// </summary>
internal readonly struct AllReduceSchedule
{
    private readonly double _oneShotUpToTokens;   // -1 when the engine has no kernel of its own
    private readonly double _oneShotFixed, _oneShotPerToken, _ringFixed, _ringPerToken;

    /// <summary>The ring alone: <paramref name="ringFixed"/> a step and <paramref name="ringPerToken"/> a token.</summary>
    public AllReduceSchedule(double ringFixed, double ringPerToken)
    {
        (_ringFixed, _ringPerToken) = (ringFixed, ringPerToken);
        _oneShotUpToTokens = -1;
    }

    private AllReduceSchedule(double oneShotUpToTokens, (double Fixed, double PerToken) oneShot, (double Fixed, double PerToken) ring)
    {
        _oneShotUpToTokens = oneShotUpToTokens;
        (_oneShotFixed, _oneShotPerToken) = oneShot;
        (_ringFixed, _ringPerToken) = ring;
    }

    /// <summary>
    /// TensorRT-LLM's kernels for <paramref name="allReduces"/> all-reduces of <paramref name="bytesPerToken"/> a token over
    /// <paramref name="ranks"/>, each paying <paramref name="launchSeconds"/> and <paramref name="stepSeconds"/> a
    /// synchronisation, on a link of <paramref name="bytesPerSecond"/>.
    /// </summary>
    public static AllReduceSchedule TensorRtLlm(int allReduces, double bytesPerToken, int ranks, double bytesPerSecond, double launchSeconds, double stepSeconds)
    {
        (double Fixed, double PerToken) Kernel(CollectiveAlgorithm kernel) => (
            allReduces * (launchSeconds + Collective.AllReduce(kernel, 0, ranks, bytesPerSecond, stepSeconds)),
            allReduces * Collective.AllReduce(kernel, bytesPerToken, ranks, bytesPerSecond, 0));

        return new AllReduceSchedule(TensorRtLlmAllReduce.OneShotTokens(bytesPerToken, ranks), Kernel(CollectiveAlgorithm.OneShot), Kernel(CollectiveAlgorithm.Ring));
    }

    /// <summary>The all-reduces of a step of <paramref name="tokens"/> new tokens, seconds.</summary>
    public double Seconds(double tokens) =>
        tokens <= _oneShotUpToTokens ? _oneShotFixed + (_oneShotPerToken * tokens) : _ringFixed + (_ringPerToken * tokens);

    /// <summary>No step's all-reduces take less than this, seconds (the cheaper kernel's fixed part).</summary>
    public double FloorSeconds => _oneShotUpToTokens < 0 ? _ringFixed : Math.Min(_oneShotFixed, _ringFixed);
}
