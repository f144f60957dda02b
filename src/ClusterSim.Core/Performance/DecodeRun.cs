using System.Runtime.Intrinsics;

namespace ClusterSim.Core.Performance;

/// <summary>
/// The iterations of a decode stretch of a fixed batch: every term but attention is the same in each (a hybrid's
/// recurrence too), so they are evaluated once, and each iteration adds only its attention over the grown context. The sum is taken in the order
/// <see cref="IterationTerms.Total"/> takes it, so every duration equals <see cref="StepTimeModel.Iteration(in BatchShape)"/>
/// of the same decode shape to the last bit.
/// </summary>
public readonly struct DecodeRun
{
    private readonly StepTimeModel _model;
    private readonly double _denseGemm, _expertGemm, _recurrence, _collectives, _overhead, _sampler;
    private readonly int _sequences;
    private readonly double _blockSecondsPerKvToken;   // the one-block-a-head bound of the batch (DecodeAttentionBlocks); 0 without it

    internal DecodeRun(StepTimeModel model, in IterationTerms fixedTerms, int sequences)
    {
        _model = model;
        _sequences = sequences;
        _blockSecondsPerKvToken = model.BlockSecondsPerKvToken(sequences);
        _denseGemm = fixedTerms.DenseGemm;
        _expertGemm = fixedTerms.ExpertGemm;
        _recurrence = fixedTerms.Attention;   // at no context, attention is the linear layers' recurrence alone (0 without them)
        _collectives = fixedTerms.Collectives;
        _overhead = fixedTerms.Overhead;
        _sampler = fixedTerms.Sampler;
        ComputeBound = fixedTerms.ComputeBound;
    }

    /// <summary>Whether compute bounds every iteration of the stretch (the GEMMs decide it, and they do not change).</summary>
    public bool ComputeBound { get; }

    /// <summary>Duration, ns, of the iteration in which the batch's contexts sum to <paramref name="contextSum"/>.</summary>
    public long Nanos(double contextSum)
    {
        double seen = _model.Windowed(contextSum, _sequences);   // each sequence's new token attends its context, which it reads
        double attention = _model.AttentionSeconds(seen, seen);
        if (_blockSecondsPerKvToken != 0)
        {
            attention = Math.Max(attention, seen * _blockSecondsPerKvToken);
        }

        double total = _denseGemm + _expertGemm + (attention + _recurrence + _model.IndexerSeconds(contextSum, contextSum)) + _collectives + _overhead + _sampler;
        return (long)Math.Ceiling(total * 1e9);
    }

    /// <summary>
    /// <see cref="Nanos"/> of four consecutive iterations, whose contexts sum to <paramref name="contextSum"/> and then
    /// <paramref name="step"/> more each, in one vector pass: every lane takes the same operations in the same order, so
    /// the same bits.
    /// </summary>
    public Vector256<long> Nanos4(long contextSum, long step)
    {
        (double flopsPerToken, double secondsPerFlop, double bytesPerToken, double secondsPerByte) = _model.AttentionConstants;
        long last = contextSum + (3 * step);
        // Whole numbers below 2⁵³ are exact as doubles, so the contexts are formed in doubles: the same values as
        // converting each sum, without the 64-bit multiply and conversion that only AVX-512 has as instructions.
        Vector256<double> context = contextSum >= 0 && step >= 0 && last < ExactInteger
            ? Vector256.Create((double)contextSum) + (Vector256.Create(0.0, 1.0, 2.0, 3.0) * step)
            : Vector256.ConvertToDouble(Vector256.Create(contextSum) + (Vector256.Create(0L, 1L, 2L, 3L) * step));
        Vector256<double> whole = context;   // the indexer scores every context token, the window (top-k) bounds only attention
        (double windowShare, double fullShare, double window) = _model.WindowConstants;
        if (windowShare != 0)
        {
            // As StepTimeModel.Windowed, lane by lane, in the same order.
            context = (Vector256.Create(fullShare) * context) + (Vector256.Create(windowShare) * Vector256.Min(context, Vector256.Create(_sequences * window)));
        }

        Vector256<double> attention = Vector256.Max(
            Vector256.Create(flopsPerToken) * context * Vector256.Create(secondsPerFlop),
            Vector256.Create(bytesPerToken) * context * Vector256.Create(secondsPerByte));
        if (_blockSecondsPerKvToken != 0)
        {
            attention = Vector256.Max(attention, context * Vector256.Create(_blockSecondsPerKvToken));
        }

        Vector256<double> mixers = attention + Vector256.Create(_recurrence);
        if (_model.HasIndexer)
        {
            // As StepTimeModel.IndexerSeconds, lane by lane, over the whole (unwindowed) contexts.
            (double indexerFlops, double secondsPerIndexerFlop, double indexerBytes) = _model.IndexerConstants;
            mixers += Vector256.Max(
                Vector256.Create(indexerFlops) * whole * Vector256.Create(secondsPerIndexerFlop),
                Vector256.Create(indexerBytes) * whole * Vector256.Create(secondsPerByte));
        }

        Vector256<double> total = Vector256.Create(_denseGemm + _expertGemm) + mixers + Vector256.Create(_collectives) + Vector256.Create(_overhead) + Vector256.Create(_sampler);
        Vector256<double> nanos = Vector256.Ceiling(total * Vector256.Create(1e9));
        if (Vector256.GreaterThanOrEqualAll(nanos, Vector256<double>.Zero) && Vector256.LessThanAll(nanos, Vector256.Create(Shift)))
        {
            // A whole number n in [0, 2⁵²) plus 2⁵² is exact and holds n in its low mantissa bits: the conversion as
            // two additions.
            Vector256<double> shift = Vector256.Create(Shift);
            return (nanos + shift).AsInt64() - shift.AsInt64();
        }

        return Vector256.ConvertToInt64(nanos);
    }

    /// <summary>2⁵³: every whole number below it is exact as a double.</summary>
    private const long ExactInteger = 1L << 53;

    /// <summary>2⁵² as a double, whose mantissa's unit is 1.</summary>
    private const double Shift = 4503599627370496.0;
}
