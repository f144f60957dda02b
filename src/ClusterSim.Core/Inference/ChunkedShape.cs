using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Inference;

/// <summary>
/// Forms the shape of an iteration that carries prompt chunks: each prefilling sequence's chunk attends over its prompt
/// so far, and the decoding sequences (when they run) together read every context but the prefilling ones'. Stepping an
/// iteration and planning a prefill stretch ahead both form their shapes here. Contexts and prefill attention are whole
/// or half numbers, so the sums are exact in any order. Over <paramref name="ranks"/> ranks that attend separately
/// (attention data parallelism), each chunk is one rank's and the largest sets how uneven the step is
/// (<see cref="BatchShape.UnevenTokens"/>).
/// </summary>
public struct ChunkedShape(long contextSum, int ranks = 1)
{
    private long _decodeContext = contextSum;
    private double _attention, _kvRead, _leadAttention;
    private int _tokens, _chunks, _lead;

    /// <summary>A prefilling sequence with <paramref name="prefilled"/> prompt tokens cached takes <paramref name="chunk"/> more (0: none this iteration).</summary>
    public void AddPrompt(int chunk, int prefilled)
    {
        _decodeContext -= prefilled;
        if (chunk > 0)
        {
            double attention = BatchShape.PrefillAttention(chunk, prefilled);
            _attention += attention;
            _kvRead += prefilled;
            _tokens += chunk;
            _chunks++;
            if (chunk > _lead)
            {
                (_lead, _leadAttention) = (chunk, attention);
            }
        }
    }

    /// <summary>The contexts of the sequences that are not prefilling, summed.</summary>
    public readonly long DecodeContext => _decodeContext;

    /// <summary>The iteration with <paramref name="decoders"/> decoding sequences taking a step beside the chunks.</summary>
    public readonly BatchShape WithDecodes(int decoders) => Uneven(
        new(_tokens + decoders, _attention + _decodeContext, _kvRead + _decodeContext, _chunks + decoders));

    /// <summary>The iteration with the chunks alone (decodes wait).</summary>
    public readonly BatchShape ChunksOnly() => Uneven(new(_tokens, _attention, _kvRead, _chunks));

    /// <summary>
    /// The shape with its busiest rank's excess over an even share, times the ranks: the largest chunk or the chunks'
    /// even share, whichever is more, against that share (the decodes spread evenly).
    /// </summary>
    private readonly BatchShape Uneven(BatchShape shape) => ranks == 1 || _lead == 0 ? shape : shape with
    {
        UnevenTokens = Math.Max(0, (ranks * _lead) - _tokens),
        UnevenAttention = Math.Max(0, (ranks * _leadAttention) - _attention),
    };
}
