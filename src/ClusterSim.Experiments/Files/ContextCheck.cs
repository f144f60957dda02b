using System.Globalization;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;
using YamlDotNet.RepresentationModel;

namespace ClusterSim.Experiments.Files;

/// <summary>
/// Whether a workload's requests fit the server's context (<see cref="ServingDeployment.ContextLimit"/>): a request whose
/// prompt and output together are longer is refused, as vLLM, SGLang and TensorRT-LLM answer it with an error. A workload
/// that only sends such requests is a problem; one that sends some is warned, with their expected share.
/// </summary>
internal static class ContextCheck
{
    /// <summary>Draws of the length distributions that estimate the share of requests over the context (a fixed stream: the same file, the same warning).</summary>
    public const int Draws = 100_000;

    /// <summary>Reports, for the serving section's own deployment, the requests its workload would send past the context.</summary>
    public static void Check(YamlReader r, YamlMappingNode? workload, ServingDeployment deployment, LengthSpec prompt, LengthSpec output, IReadOnlyList<TraceRecord>? trace, ConversationSpec? conversation, SortedSet<string> calibrations) =>
        Check(r, workload, "workload", "serving", deployment, prompt, output, trace, calibrations, conversation);

    /// <summary>
    /// Reports the requests a workload would send past <paramref name="deployment"/>'s context: the lengths read at
    /// <paramref name="lengths"/> (the mapping at <paramref name="lengthsPath"/>), the deployment at <paramref name="deploymentPath"/>.
    /// </summary>
    public static void Check(
        YamlReader r, YamlMappingNode? lengths, string lengthsPath, string deploymentPath, ServingDeployment deployment, LengthSpec prompt, LengthSpec output, IReadOnlyList<TraceRecord>? trace,
        SortedSet<string> calibrations, ConversationSpec? conversation = null)
    {
        if (r.Problems.Count > 0)
        {
            return;   // the file is refused already, perhaps for the lengths themselves: they say nothing yet
        }

        int limit = deployment.ContextLimit;
        string whose = deployment.MaxModelLength > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{deploymentPath}.max_model_len, {limit:N0} tokens")
            : string.Create(CultureInfo.InvariantCulture, $"{deployment.Model.Id}'s context of {limit:N0} tokens");
        double share = trace is not null ? OverShare(trace, limit) : OverShare(prompt, output, conversation?.Turns ?? 1, conversation?.FollowUp, limit);
        if (share <= 0)
        {
            return;
        }

        if (share >= 1)
        {
            string said = trace is not null
                ? "every request of the trace"
                : string.Create(CultureInfo.InvariantCulture, $"every request ({Describe(prompt)} prompt tokens and {Describe(output)} output tokens)");
            r.Problem(YamlReader.Child(lengths, trace is not null ? "trace" : "prompt_tokens"), $"{lengthsPath}.{(trace is not null ? "trace" : "prompt_tokens")}",
                $"{said} is longer than {whose}, so the server would refuse each; shorten them, or set {deploymentPath}.max_model_len if the server was started with a longer one");
            return;
        }

        calibrations.Add(string.Create(CultureInfo.InvariantCulture,
            $"warning: {deployment.Model.Id}: {(trace is not null ? "of the trace's requests" : conversation is not null ? "of the conversations' turns (each prompt carries the conversation so far)" : "of the requests the workload draws")}, {share:0.###%} are longer (prompt and output) than {whose}; the server refuses them{(conversation is not null ? ", ending their conversations" : string.Empty)}, and the results count them {Counted(deploymentPath)}"));
    }

    /// <summary>Where the results count the refused requests of the deployment at <paramref name="deploymentPath"/>.</summary>
    private static string Counted(string deploymentPath)
    {
        const string Cluster = "cluster.deployments.";
        if (deploymentPath == "serving")
        {
            return "in requests_over_context (among requests_dropped)";
        }

        return deploymentPath.StartsWith(Cluster, StringComparison.Ordinal)
            ? $"in deployment.{deploymentPath[Cluster.Length..].Split('.')[0]}.requests_over_context (among its dropped requests)"
            : "among its dropped requests";
    }

    /// <summary>The share of requests drawn from <paramref name="prompt"/> and <paramref name="output"/> longer than <paramref name="limit"/> tokens.</summary>
    public static double OverShare(LengthSpec prompt, LengthSpec output, int limit) => OverShare(prompt, output, 1, followUp: null, limit);

    /// <summary>
    /// The share of a conversation workload's turns longer than <paramref name="limit"/> tokens: turn k's prompt is the
    /// first prompt with the k − 1 answers and follow-ups before it, every answer of a conversation as long as its first;
    /// a refused turn ends its conversation, so the turns after it are never sent.
    /// </summary>
    public static double OverShare(LengthSpec prompt, LengthSpec output, ConversationSpec conversation, int limit) =>
        OverShare(prompt, output, conversation.Turns, conversation.FollowUp, limit);

    private static double OverShare(LengthSpec prompt, LengthSpec output, int turns, LengthSpec? followUp, int limit)
    {
        if ((long)prompt.Longest + ((long)turns * output.Longest) + ((long)(turns - 1) * (followUp?.Longest ?? 0)) <= limit)
        {
            return 0;   // no draw can pass it: the common case costs nothing
        }

        TokenLengths prompts = prompt.Build(), outputs = output.Build();
        TokenLengths? followUps = followUp?.Build();
        RandomStreams streams = new(0);
        RandomStream promptDraws = streams.For("context-check-prompts"), outputDraws = streams.For("context-check-outputs"), followUpDraws = streams.For("context-check-follow-ups");
        long sent = 0, over = 0;
        for (int i = 0; i < Draws; i++)
        {
            long context = prompts.Sample(promptDraws);
            int answer = outputs.Sample(outputDraws);
            for (int turn = 1; turn <= turns; turn++)
            {
                sent++;
                if (context + answer > limit)
                {
                    over++;
                    break;
                }

                if (turn < turns)
                {
                    context += answer + followUps!.Sample(followUpDraws);
                }
            }
        }

        return over / (double)sent;
    }

    /// <summary>The share of a trace's requests longer than <paramref name="limit"/> tokens.</summary>
    public static double OverShare(IReadOnlyList<TraceRecord> trace, int limit) =>
        trace.Count == 0 ? 0 : trace.Count(t => (long)t.PromptTokens + t.OutputTokens > limit) / (double)trace.Count;

    private static string Describe(LengthSpec spec) => spec.Kind switch
    {
        "fixed" => ((int)spec.Mean).ToString("N0", CultureInfo.InvariantCulture),
        "uniform" => string.Create(CultureInfo.InvariantCulture, $"{spec.Min:N0}–{spec.Max:N0}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"a mean of {spec.Mean:N0}"),
    };
}
