namespace ClusterSim.Core.Inference;

/// <summary>
/// A macro-step that prefills the batch's prompts by chunks beside the running decodes (chunked prefill). Each iteration
/// the prompts, in batch order, share the token budget the decoding sequences leave (<see cref="Scheduling.ChunkedPrefillBatching"/>'s
/// rule); a prompt's first token ends its last chunk and from the next iteration on it decodes, which takes one token of
/// the budget. One instance per replica, reused: planning a stretch allocates nothing.
/// </summary>
internal sealed class PrefillStretch
{
    private readonly int _maxBatchedTokens, _chunkCap;
    private readonly int[] _index, _prefilledAtStart, _leftAtStart, _left, _chunk, _firstTokenAt, _replayLeft, _replayChunk;
    private int _sequences;

    public PrefillStretch(int maxSequences, int maxBatchedTokens, int chunkCap = int.MaxValue)
    {
        _maxBatchedTokens = maxBatchedTokens;
        _chunkCap = chunkCap;
        _index = new int[maxSequences];
        _prefilledAtStart = new int[maxSequences];
        _leftAtStart = new int[maxSequences];
        _left = new int[maxSequences];
        _chunk = new int[maxSequences];
        _firstTokenAt = new int[maxSequences];
        _replayLeft = new int[maxSequences];
        _replayChunk = new int[maxSequences];
    }

    /// <summary>Prompts in the stretch in flight; 0 when the macro-step in flight (if any) only decodes.</summary>
    public int Count { get; private set; }

    /// <summary>Prompts still prefilling in the iteration being planned.</summary>
    public int Prefilling { get; private set; }

    /// <summary>Decoding sequences in the iteration being planned.</summary>
    public int Decoders => _sequences - Prefilling;

    /// <summary>Batch index of prompt <paramref name="q"/> (ascending in <paramref name="q"/>).</summary>
    public int Index(int q) => _index[q];

    /// <summary>Prompt tokens prompt <paramref name="q"/> takes in the iteration being planned (after <see cref="Plan"/>).</summary>
    public int Chunk(int q) => _chunk[q];

    /// <summary>Prompt tokens of prompt <paramref name="q"/> prefilled before the iteration being planned.</summary>
    public int Prefilled(int q) => _prefilledAtStart[q] + _leftAtStart[q] - _left[q];

    /// <summary>The iteration (from 0) at whose end prompt <paramref name="q"/> emits its first token; <see cref="int.MaxValue"/> if none planned did.</summary>
    public int FirstTokenAt(int q) => _firstTokenAt[q];

    /// <summary>Prompt tokens prompt <paramref name="q"/> had left when the stretch started.</summary>
    public int LeftAtStart(int q) => _leftAtStart[q];

    /// <summary>Starts planning over <paramref name="batch"/>'s prefilling sequences.</summary>
    public void Begin(RunningBatch batch)
    {
        int m = 0;
        foreach (int i in batch.Selected(Selection.Prefilling))
        {
            _index[m] = i;
            _prefilledAtStart[m] = batch.Prefilled[i];
            _leftAtStart[m] = _left[m] = batch.PromptLength[i] - batch.Prefilled[i];
            _firstTokenAt[m] = int.MaxValue;
            m++;
        }

        Count = Prefilling = m;
        _sequences = batch.Count;
    }

    /// <summary>Sets the next iteration's chunks (<see cref="Chunk"/>) and returns their total.</summary>
    public int Plan() => Fill(_left, _chunk, Decoders);

    /// <summary>Applies the planned chunks as iteration <paramref name="j"/>; returns how many prompts emitted their first token.</summary>
    public int Complete(int j)
    {
        int finished = 0;
        for (int q = 0; q < Count; q++)
        {
            if (_chunk[q] > 0 && (_left[q] -= _chunk[q]) == 0)
            {
                _firstTokenAt[q] = j;
                finished++;
            }
        }

        Prefilling -= finished;
        return finished;
    }

    /// <summary>Forgets the stretch: the macro-step in flight, if any, only decodes.</summary>
    public void Clear() => Count = Prefilling = 0;

    /// <summary>
    /// How far prompt <paramref name="q"/>'s context has grown after the stretch's first <paramref name="iterations"/>
    /// iterations: its chunks (replayed from the start), then a token an iteration from its first on.
    /// </summary>
    public int GrownBy(int q, int iterations)
    {
        int f = _firstTokenAt[q];
        if (f < iterations)
        {
            return _leftAtStart[q] + (iterations - f);
        }

        Array.Copy(_leftAtStart, _replayLeft, Count);
        int prefilling = Count;
        for (int j = 0; j < iterations; j++)
        {
            Fill(_replayLeft, _replayChunk, _sequences - prefilling);
            for (int r = 0; r < Count; r++)
            {
                if (_replayChunk[r] > 0 && (_replayLeft[r] -= _replayChunk[r]) == 0)
                {
                    prefilling--;
                }
            }
        }

        return _leftAtStart[q] - _replayLeft[q];
    }

    /// <summary>The chunked-prefill rule: prompts in order take what is left of the budget the decoders leave.</summary>
    private int Fill(int[] left, int[] chunk, int decoders)
    {
        int budget = Math.Max(0, _maxBatchedTokens - decoders);
        int total = 0;
        for (int q = 0; q < Count; q++)
        {
            int c = Math.Min(left[q], Math.Min(budget, _chunkCap));
            chunk[q] = c;
            budget -= c;
            total += c;
        }

        return total;
    }
}
