using System.Globalization;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// How a measured run's requests were sized when it says more than the means: each request's recorded lengths, or the
/// uniform ranges its client drew them from. Requests then differ in length, and ITL is scored per request.
/// </summary>
public abstract record RequestLengths
{
    private RequestLengths()
    {
    }

    /// <summary>The longest prompt plus output a request can have (the KV cache must hold it).</summary>
    public abstract long Longest { get; }

    /// <summary>What the replay sends, for its table's note.</summary>
    public abstract string Note { get; }

    /// <summary>Fresh distributions of prompt and output lengths for one simulation.</summary>
    public abstract (TokenLengths Prompt, TokenLengths Output) Build();

    /// <summary>
    /// Each request's prompt and output length in the order the client sent them (a benchmark result's <c>input_lens</c>
    /// and <c>output_lens</c>, failed requests left out), replayed in that order.
    /// </summary>
    public sealed record Recorded(IReadOnlyList<int> Prompts, IReadOnlyList<int> Outputs) : RequestLengths
    {
        public override long Longest => Prompts.Zip(Outputs, (p, o) => (long)Math.Max(p, 1) + Math.Max(o, 1)).Max();

        public override string Note => string.Create(CultureInfo.InvariantCulture,
            $"each request's own lengths: {Prompts.Count} requests, prompts {Prompts.Min()}–{Prompts.Max()} and outputs {Outputs.Min()}–{Outputs.Max()} tokens");

        public override (TokenLengths Prompt, TokenLengths Output) Build() => (TokenLengths.Sequence(Prompts), TokenLengths.Sequence(Outputs));
    }

    /// <summary>The ranges the client drew each prompt and output length from, uniformly (SGLang's random dataset).</summary>
    public sealed record Uniform((int Min, int Max) Prompt, (int Min, int Max) Output) : RequestLengths
    {
        public override long Longest => (long)Prompt.Max + Output.Max;

        public override string Note => string.Create(CultureInfo.InvariantCulture,
            $"lengths drawn as the client drew them: prompts uniform on {Prompt.Min}–{Prompt.Max}, outputs on {Output.Min}–{Output.Max} tokens");

        public override (TokenLengths Prompt, TokenLengths Output) Build() => (TokenLengths.Uniform(Prompt.Min, Prompt.Max), TokenLengths.Uniform(Output.Min, Output.Max));
    }

    /// <summary>
    /// Answers the server stopped at the end-of-sequence token or at the <paramref name="MaxOutput"/> tokens asked for, of
    /// which the run publishes the mean (<c>output_stop: eos</c>): the end token as likely after every token, so lengths
    /// are geometric up to the cap (<see cref="TokenLengths.StoppedAtEos"/>); prompts fixed, or uniform on their range.
    /// </summary>
    public sealed record StoppedAtEos((int Min, int Max) Prompt, int MaxOutput, double MeanOutput) : RequestLengths
    {
        public override long Longest => (long)Prompt.Max + MaxOutput;

        public override string Note
        {
            get
            {
                double atCap = TokenLengths.StoppedAtEosShareAtCap(MaxOutput, MeanOutput);
                string prompts = Prompt.Min == Prompt.Max ? $"prompts of {Prompt.Min}" : $"prompts uniform on {Prompt.Min}–{Prompt.Max}";
                return string.Create(CultureInfo.InvariantCulture,
                    $"{prompts} tokens; answers stopped at EOS, the end token as likely after any token: geometric to the {MaxOutput} asked, mean {MeanOutput:0.#}, {atCap:P0} reaching it");
            }
        }

        public override (TokenLengths Prompt, TokenLengths Output) Build() =>
            (Prompt.Min == Prompt.Max ? TokenLengths.Fixed(Prompt.Min) : TokenLengths.Uniform(Prompt.Min, Prompt.Max), TokenLengths.StoppedAtEos(MaxOutput, MeanOutput));
    }

    /// <summary>
    /// Each request as a trace recorded it: when its client sent it (offset from the first), its lengths and its class,
    /// replayed at those times.
    /// </summary>
    public sealed record Traced(IReadOnlyList<TraceRecord> Records) : RequestLengths
    {
        public override long Longest => Records.Max(r => (long)Math.Max(r.PromptTokens, 1) + Math.Max(r.OutputTokens, 1));

        public override string Note => string.Create(CultureInfo.InvariantCulture,
            $"each request at the time its client sent it, with its own lengths: {Records.Count} requests over {Records[^1].OffsetNanos / 1e9:0.#} s, prompts {Records.Min(r => r.PromptTokens)}–{Records.Max(r => r.PromptTokens)} and outputs {Records.Min(r => r.OutputTokens)}–{Records.Max(r => r.OutputTokens)} tokens");

        public override (TokenLengths Prompt, TokenLengths Output) Build() =>
            (TokenLengths.Sequence([.. Records.Select(r => r.PromptTokens)]), TokenLengths.Sequence([.. Records.Select(r => r.OutputTokens)]));
    }
}
