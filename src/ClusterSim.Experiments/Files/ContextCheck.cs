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
    public static void Check(
        YamlReader r, YamlMappingNode? workload, ServingDeployment deployment, LengthSpec prompt, LengthSpec output, IReadOnlyList<TraceRecord>? trace, ConversationSpec? conversation,
        SortedSet<string> calibrations, bool sendsMaxTokens) =>
        Check(r, workload, "workload", "serving", deployment, prompt, output, trace, calibrations, conversation, sendsMaxTokens);

    /// <summary>
    /// Reports the requests a workload would send past <paramref name="deployment"/>'s context: the lengths read at
    /// <paramref name="lengths"/> (the mapping at <paramref name="lengthsPath"/>), the deployment at <paramref name="deploymentPath"/>.
    /// </summary>
    public static void Check(
        YamlReader r, YamlMappingNode? lengths, string lengthsPath, string deploymentPath, ServingDeployment deployment, LengthSpec prompt, LengthSpec output, IReadOnlyList<TraceRecord>? trace,
        SortedSet<string> calibrations, ConversationSpec? conversation = null, bool sendsMaxTokens = true)
    {
        if (r.Problems.Count > 0)
        {
            return;   // the file is refused already, perhaps for the lengths themselves: they say nothing yet
        }

        int limit = deployment.ContextLimit;
        string whose = deployment.MaxModelLength > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{deploymentPath}.max_model_len, {limit:N0} tokens")
            : string.Create(CultureInfo.InvariantCulture, $"{deployment.Model.Id}'s context of {limit:N0} tokens");
        // Clients that send no max_tokens have an answer that passes the context cut there; only a prompt that fills it is refused.
        bool capped = !sendsMaxTokens;
        ContextShares shares = trace is not null ? Shares(trace, limit, capped) : Shares(prompt, output, conversation?.Turns ?? 1, conversation?.FollowUp, limit, capped);
        if (shares.Refused >= 1)
        {
            string said = capped
                ? $"every prompt {(trace is not null ? "of the trace" : string.Create(CultureInfo.InvariantCulture, $"({Describe(prompt)} tokens)"))} fills {whose}, leaving no room for an answer"
                : trace is not null
                    ? $"every request of the trace is longer than {whose}"
                    : string.Create(CultureInfo.InvariantCulture, $"every request ({Describe(prompt)} prompt tokens and {Describe(output)} output tokens) is longer than {whose}");
            r.Problem(YamlReader.Child(lengths, trace is not null ? "trace" : "prompt_tokens"), $"{lengthsPath}.{(trace is not null ? "trace" : "prompt_tokens")}",
                $"{said}, so the server would refuse each; shorten them, or set {deploymentPath}.max_model_len if the server was started with a longer one");
            return;
        }

        var parts = new List<string>();
        if (shares.Cut > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"{shares.Cut:0.###%} ask for more (prompt and output) than {whose}; their clients send no max_tokens, so the server cuts those answers at the context (counted {CountedCut(deploymentPath)})"));
        }

        string ending = conversation is not null ? ", ending their conversations" : string.Empty;
        if (shares.Refused > 0)
        {
            parts.Add(capped
                ? string.Create(CultureInfo.InvariantCulture, $"{shares.Refused:0.###%} have prompts that fill {(parts.Count > 0 ? "it" : whose)}, which it refuses{ending}, and the results count them {Counted(deploymentPath)}")
                : string.Create(CultureInfo.InvariantCulture, $"{shares.Refused:0.###%} are longer (prompt and output) than {whose}; the server refuses them{ending}, and the results count them {Counted(deploymentPath)}"));
        }

        if (parts.Count > 0)
        {
            string of = trace is not null ? "of the trace's requests"
                : conversation is not null ? "of the conversations' turns (each prompt carries the conversation so far)"
                : "of the requests the workload draws";
            calibrations.Add($"warning: {deployment.Model.Id}: {of}, {string.Join("; ", parts)}");
        }
    }

    /// <summary>Shares of the requests sent that the server cuts at its context and that it refuses.</summary>
    private readonly record struct ContextShares(double Cut, double Refused);

    /// <summary>Where the results count the refused requests of the deployment at <paramref name="deploymentPath"/>.</summary>
    private static string Counted(string deploymentPath) => deploymentPath == "serving"
        ? "in requests_over_context (among requests_dropped)"
        : ClusterDeployment(deploymentPath) is { } name
            ? $"in deployment.{name}.requests_over_context when it is served request by request (among its dropped requests)"
            : "among its dropped requests";

    /// <summary>Where the results count the answers cut at the context of the deployment at <paramref name="deploymentPath"/>.</summary>
    private static string CountedCut(string deploymentPath) => ClusterDeployment(deploymentPath) is { } name
        ? $"in deployment.{name}.requests_cut_at_context when it is served request by request"
        : "in requests_cut_at_context";

    /// <summary>The cluster deployment a placement's path names (cluster.deployments.NAME.placements.POOL); null for any other path.</summary>
    private static string? ClusterDeployment(string deploymentPath)
    {
        const string Cluster = "cluster.deployments.";
        return deploymentPath.StartsWith(Cluster, StringComparison.Ordinal) ? deploymentPath[Cluster.Length..].Split('.')[0] : null;
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

    private static double OverShare(LengthSpec prompt, LengthSpec output, int turns, LengthSpec? followUp, int limit) =>
        Shares(prompt, output, turns, followUp, limit, capped: false).Refused;

    /// <summary>
    /// The shares of turns cut and refused: with <paramref name="capped"/> answers (clients sending no <c>max_tokens</c>), a
    /// turn whose prompt is shorter than the limit has its answer cut to what the context leaves, and the conversation goes
    /// on from there; otherwise, and for a prompt that fills the context, the turn is refused and its conversation ends.
    /// </summary>
    private static ContextShares Shares(LengthSpec prompt, LengthSpec output, int turns, LengthSpec? followUp, int limit, bool capped)
    {
        if ((long)prompt.Longest + ((long)turns * output.Longest) + ((long)(turns - 1) * (followUp?.Longest ?? 0)) <= limit)
        {
            return default;   // no draw can pass it: the common case costs nothing
        }

        TokenLengths prompts = prompt.Build(), outputs = output.Build();
        TokenLengths? followUps = followUp?.Build();
        RandomStreams streams = new(0);
        RandomStream promptDraws = streams.For("context-check-prompts"), outputDraws = streams.For("context-check-outputs"), followUpDraws = streams.For("context-check-follow-ups");
        long sent = 0, cut = 0, refused = 0;
        for (int i = 0; i < Draws; i++)
        {
            long context = prompts.Sample(promptDraws);
            int answer = outputs.Sample(outputDraws);
            for (int turn = 1; turn <= turns; turn++)
            {
                sent++;
                long given = answer;
                if (context + answer > limit)
                {
                    if (!capped || context >= limit)
                    {
                        refused++;
                        break;
                    }

                    cut++;
                    given = limit - context;
                }

                if (turn < turns)
                {
                    context += given + followUps!.Sample(followUpDraws);
                }
            }
        }

        return new ContextShares(cut / (double)sent, refused / (double)sent);
    }

    /// <summary>The share of a trace's requests longer than <paramref name="limit"/> tokens.</summary>
    public static double OverShare(IReadOnlyList<TraceRecord> trace, int limit) => Shares(trace, limit, capped: false).Refused;

    private static ContextShares Shares(IReadOnlyList<TraceRecord> trace, int limit, bool capped)
    {
        if (trace.Count == 0)
        {
            return default;
        }

        int over = trace.Count(t => (long)t.PromptTokens + t.OutputTokens > limit), filled = trace.Count(t => t.PromptTokens >= limit);
        return capped ? new ContextShares((over - filled) / (double)trace.Count, filled / (double)trace.Count) : new ContextShares(0, over / (double)trace.Count);
    }

    private static string Describe(LengthSpec spec) => spec.Kind switch
    {
        "fixed" => ((int)spec.Mean).ToString("N0", CultureInfo.InvariantCulture),
        "uniform" => string.Create(CultureInfo.InvariantCulture, $"{spec.Min:N0}–{spec.Max:N0}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"a mean of {spec.Mean:N0}"),
    };
}
