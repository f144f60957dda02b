using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Inference;

/// <summary>
/// Forms the shape of an iteration that carries prompt chunks: each prefilling sequence's chunk attends over its prompt
/// so far, and the decoding sequences (when they run) together read every context but the prefilling ones'. Stepping an
/// iteration and planning a prefill stretch ahead both form their shapes here. Contexts and prefill attention are whole
/// or half numbers, so the sums are exact in any order.
/// </summary>
public struct ChunkedShape(long contextSum)
{
    private long _decodeContext = contextSum;
    private double _attention, _kvRead;
    private int _tokens, _chunks;

    /// <summary>A prefilling sequence with <paramref name="prefilled"/> prompt tokens cached takes <paramref name="chunk"/> more (0: none this iteration).</summary>
    public void AddPrompt(int chunk, int prefilled)
    {
        _decodeContext -= prefilled;
        if (chunk > 0)
        {
            _attention += BatchShape.PrefillAttention(chunk, prefilled);
            _kvRead += prefilled;
            _tokens += chunk;
            _chunks++;
        }
    }

    /// <summary>The contexts of the sequences that are not prefilling, summed.</summary>
    public readonly long DecodeContext => _decodeContext;

    /// <summary>The iteration with <paramref name="decoders"/> decoding sequences taking a step beside the chunks.</summary>
    public readonly BatchShape WithDecodes(int decoders) =>
        new(_tokens + decoders, _attention + _decodeContext, _kvRead + _decodeContext, _chunks + decoders);

    /// <summary>The iteration with the chunks alone (decodes wait).</summary>
    public readonly BatchShape ChunksOnly() => new(_tokens, _attention, _kvRead, _chunks);
}
