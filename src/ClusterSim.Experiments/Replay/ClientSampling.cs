namespace ClusterSim.Experiments.Replay;

/// <summary>
/// How a benchmark client's requests sampled, from the parameters it added to every request: greedy at temperature 0, a
/// filter where top-p or top-k narrows the vocabulary, plain temperature sampling otherwise; none given, the server's
/// default (empty), which the replay fills in from the checkpoint's generation config.
/// </summary>
internal static class ClientSampling
{
    public static string Of(double? temperature, double? topP, double? topK) =>
        temperature == 0 ? "greedy"
        : topP is > 0 and < 1 ? "top-p"
        : topK is >= 1 ? "top-k"
        : temperature is not null ? "temperature"
        : string.Empty;
}
