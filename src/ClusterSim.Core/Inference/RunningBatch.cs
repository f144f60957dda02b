using System.Numerics;
using System.Runtime.Intrinsics;
using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Inference;

/// <summary>
/// A replica's running sequences as parallel arrays (structure of arrays), in admission order from the first prompt on
/// (the decoding sequences ahead of it in any order; <see cref="Admission"/> says which came first).
/// Bulk updates over the whole batch use <see cref="Vector{T}"/>; the sum of contexts is kept as the batch changes,
/// and each sequence carries the generated count at which it outgrows its KV blocks, so that the per-iteration checks
/// read one or two columns.
/// </summary>
internal sealed partial class RunningBatch
{
    private readonly int _blockTokens;
    private readonly int _blockShift;   // log₂ of the block size when it is a power of two, else −1
    private long _contextSum;

    public RunningBatch(int capacity, int blockTokens)
    {
        _blockTokens = blockTokens;
        _blockShift = BitOperations.IsPow2(blockTokens) ? BitOperations.Log2((uint)blockTokens) : -1;
        // Padded to whole vectors, so mask scans may read past the last sequence (lanes beyond Count are masked off).
        capacity = ((capacity + Vector256<int>.Count - 1) / Vector256<int>.Count) * Vector256<int>.Count;
        GrowAt = new int[capacity];
        Request = new int[capacity];
        PromptLength = new int[capacity];
        Prefilled = new int[capacity];
        Generated = new int[capacity];
        GeneratedAtAdmission = new int[capacity];
        Target = new int[capacity];
        Blocks = new int[capacity];
        Shared = new int[capacity];
        Chunk = new int[capacity];
        LastToken = new long[capacity];
        Admission = new long[capacity];
        _given = new int[capacity];
        _sortKeys = new long[capacity];
        _sortOrder = new int[capacity];
        _sortInts = new int[capacity];
        _sortLongs = new long[capacity];
        _finishedMasks = new uint[capacity / Vector256<int>.Count];
        _intColumns = [Request, PromptLength, Prefilled, Generated, GeneratedAtAdmission, Target, Shared, Blocks, GrowAt, Chunk];
        _longColumns = [LastToken, Admission];
    }

    private readonly int[] _given;   // blocks the last TryGrowEach gave each sequence, to take back on a shortfall
    private readonly long[] _sortKeys, _sortLongs;   // scratch for SortByAdmission
    private readonly int[] _sortOrder, _sortInts;

    // Every column of a sequence (the moves spell them out for speed; MoveOne and MoveDown must name the same ones).
    private readonly int[][] _intColumns;
    private readonly long[][] _longColumns;

    public int Count;
    public readonly int[] Request;

    /// <summary>Tokens to prefill on admission: the prompt plus, after a preemption, the output to recompute.</summary>
    public readonly int[] PromptLength;
    public readonly int[] Prefilled;

    /// <summary>Output tokens delivered so far (over the request's whole life).</summary>
    public readonly int[] Generated;
    public readonly int[] GeneratedAtAdmission;
    public readonly int[] Target;
    public readonly int[] Blocks;

    /// <summary>
    /// The generated count beyond which the sequence holds more tokens than its blocks cover:
    /// Blocks·b + Shared + GeneratedAtAdmission − Prefilled, so "needs a block" is Generated &gt; GrowAt.
    /// </summary>
    public readonly int[] GrowAt;

    /// <summary>Leading context tokens whose KV blocks belong to another sequence (a shared prompt prefix).</summary>
    public readonly int[] Shared;

    /// <summary>Prompt tokens scheduled in the current iteration.</summary>
    public readonly int[] Chunk;

    /// <summary>
    /// The order in which the sequences joined (a count per replica): the batch's own order is admission order only from
    /// the first prompt on (see <see cref="RemoveAll"/>), so what must happen in admission order sorts by this.
    /// </summary>
    public readonly long[] Admission;

    private long _admissions;

    /// <summary>When each sequence last emitted a token (its admission, before its first); write it through <see cref="Stamp"/> and <see cref="StampAll"/>.</summary>
    public readonly long[] LastToken;

    /// <summary>
    /// Every sequence below this index decodes (a lower bound on the first prompt still prefilling), so walks over the
    /// prompts start there. The sequences from here on are in admission order (prompts join at the back); those below it
    /// are in no particular order, since a sequence leaving from there is replaced by the last of them.
    /// </summary>
    private int _decodingBelow;

    private bool _lastTokensEqual = true;   // every LastToken in the batch equals _sharedLastToken (so checking costs no pass)
    private long _sharedLastToken;

    /// <summary>Sequence <paramref name="i"/> emitted a token at <paramref name="now"/>.</summary>
    public void Stamp(int i, long now)
    {
        LastToken[i] = now;
        NoteLastToken(now);
    }

    /// <summary>Every sequence emitted a token at <paramref name="now"/> (an iteration in which all took a step).</summary>
    public void StampAll(long now)
    {
        Array.Fill(LastToken, now, 0, Count);
        _lastTokensEqual = true;
        _sharedLastToken = now;
    }

    private void NoteLastToken(long now)
    {
        if (Count == 1)
        {
            _lastTokensEqual = true;
            _sharedLastToken = now;
        }
        else if (now != _sharedLastToken)
        {
            _lastTokensEqual = false;
        }
    }

    public bool IsDecoding(int i) => Prefilled[i] == PromptLength[i];

    /// <summary>Tokens held in the KV cache.</summary>
    public int Context(int i) => Prefilled[i] + Generated[i] - GeneratedAtAdmission[i];

    /// <summary>The smallest of <paramref name="lanes"/>' eight values, by halving shuffles.</summary>
    private static int SmallestLane(Vector256<int> lanes)
    {
        Vector128<int> half = Vector128.Min(lanes.GetLower(), lanes.GetUpper());
        half = Vector128.Min(half, Vector128.Shuffle(half, Vector128.Create(2, 3, 0, 1)));
        half = Vector128.Min(half, Vector128.Shuffle(half, Vector128.Create(1, 0, 3, 2)));
        return half.ToScalar();
    }

    /// <summary>
    /// True when every decoding sequence waited from the same token, <paramref name="from"/> (false when none decodes
    /// or two differ): a vector compare per 8 sequences, prefilling ones masked off.
    /// </summary>
    public bool DecodingLastTokensEqual(out long from)
    {
        int n = Count;
        from = 0;
        bool found = false;
        for (int start = 0; start < n; start += Vector256<int>.Count)
        {
            uint decoding = Live(start, Vector256.Equals(ColumnVectors.Load(Prefilled, start), ColumnVectors.Load(PromptLength, start)).AsUInt32().ExtractMostSignificantBits());
            if (decoding == 0)
            {
                continue;
            }

            if (!found)
            {
                from = LastToken[start + BitOperations.TrailingZeroCount(decoding)];
                found = true;
            }

            var same = Vector256.Create(from);
            uint equal = Vector256.Equals(ColumnVectors.Load(LastToken, start), same).ExtractMostSignificantBits()
                | (Vector256.Equals(ColumnVectors.Load(LastToken, start + Vector256<long>.Count), same).ExtractMostSignificantBits() << Vector256<long>.Count);
            if ((decoding & ~equal) != 0)
            {
                return false;
            }
        }

        return found;
    }

    /// <summary>
    /// One more output token for every decoding sequence (prefilling ones are left alone); returns the smallest number
    /// any decoding sequence still has to produce (one vectorised pass).
    /// </summary>
    public int AdvanceDecoding() => AdvanceDecoders(1);

    /// <summary><paramref name="tokens"/> more output tokens for every decoding sequence (prefilling ones are left alone).</summary>
    public void AdvanceDecoding(int tokens) => AdvanceDecoders(tokens);

    /// <summary>The pass behind both: returns the smallest number any decoding sequence still has to produce.</summary>
    private int AdvanceDecoders(int tokens)
    {
        int n = Count;
        int width = Vector256<int>.Count;
        int[] prefilled = Prefilled, promptLength = PromptLength, generatedColumn = Generated, target = Target;
        var best = Vector256.Create(int.MaxValue);
        Vector256<int> least = best, leastLeft = best;
        var step = Vector256.Create(tokens);
        var decoders = Vector256<int>.Zero;
        int decodingBelow = _decodingBelow;
        for (int i = 0; i < n; i += width)
        {
            // Lanes past Count hold stale values; they are excluded from the minimum and their writes are never read. A
            // vector wholly ahead of the first prompt decodes without a comparison.
            Vector256<int> live = LiveLanes(i, n);
            Vector256<int> decoding = i + width <= decodingBelow ? live
                : Vector256.Equals(ColumnVectors.Load(prefilled, i), ColumnVectors.Load(promptLength, i)) & live;
            Vector256<int> generated = ColumnVectors.Load(generatedColumn, i) + (step & decoding);
            generated.StoreTo(generatedColumn, i);
            decoders -= decoding;
            Vector256<int> remaining = ColumnVectors.Load(target, i) - generated;
            best = Vector256.ConditionalSelect(decoding, Vector256.Min(best, remaining), best);
            NoteRemaining(i, remaining, live, ref least, ref leastLeft);
        }

        _contextSum += (long)tokens * Vector256.Sum(decoders);
        KeepRemaining(least, leastLeft);
        return SmallestLane(best);
    }

    /// <summary>
    /// Up to <paramref name="tokens"/> more output tokens for every decoding sequence, none past its target (speculative
    /// decoding's step); <paramref name="advanced"/> is how many were added in all. Returns the smallest number any
    /// decoding sequence still has to produce.
    /// </summary>
    public int AdvanceDecodingToTargets(int tokens, out int advanced)
    {
        ForgetRemaining();
        int n = Count;
        var best = Vector256.Create(int.MaxValue);
        var added = Vector256<int>.Zero;
        for (int i = 0; i < n; i += Vector256<int>.Count)
        {
            Vector256<int> decoding = Vector256.Equals(ColumnVectors.Load(Prefilled, i), ColumnVectors.Load(PromptLength, i)) & LiveLanes(i);
            Vector256<int> generated = ColumnVectors.Load(Generated, i);
            Vector256<int> step = Vector256.Max(Vector256.Min(Vector256.Create(tokens), ColumnVectors.Load(Target, i) - generated), Vector256<int>.Zero) & decoding;
            generated += step;
            generated.StoreTo(Generated, i);
            added += step;
            best = Vector256.ConditionalSelect(decoding, Vector256.Min(best, ColumnVectors.Load(Target, i) - generated), best);
        }

        advanced = Vector256.Sum(added);
        _contextSum += advanced;
        return SmallestLane(best);
    }

    /// <summary>True when every sequence's last token came at the same time (the common case: they all took the previous step).</summary>
    public bool LastTokensAllEqual()
    {
        int n = Count;
        if (n == 0 || _lastTokensEqual)
        {
            return true;   // known without a pass: the last writes were one stamp for all, or stamps at the same time
        }

        long first = LastToken[0];
        int i = 0;
        var same = Vector256.Create(first);
        for (; i <= n - Vector256<long>.Count; i += Vector256<long>.Count)
        {
            if (!Vector256.EqualsAll(ColumnVectors.Load(LastToken, i), same))
            {
                return false;
            }
        }

        for (; i < n; i++)
        {
            if (LastToken[i] != first)
            {
                return false;
            }
        }

        _lastTokensEqual = true;
        _sharedLastToken = first;
        return true;
    }

    /// <summary>A walk over the sequences of one <see cref="Selection"/>; its own enumerator.</summary>
    public ref struct SelectedIndices(RunningBatch batch, Selection selection)
    {
        // A walk over the prompts starts at the vector holding the first sequence that may still prefill.
        private int _start = (selection == Selection.Prefilling ? batch._decodingBelow & -Vector256<int>.Count : 0) - Vector256<int>.Count;
        private uint _mask;
        private bool _found;

        public int Current { get; private set; }

        public readonly SelectedIndices GetEnumerator() => this;

        public bool MoveNext()
        {
            while (_mask == 0)
            {
                _start += Vector256<int>.Count;
                if (_start >= batch.Count)
                {
                    if (selection == Selection.Prefilling && !_found)
                    {
                        batch._decodingBelow = batch.Count;   // none prefills
                    }

                    return false;
                }

                _mask = batch.Mask(selection, _start);
            }

            Current = _start + System.Numerics.BitOperations.TrailingZeroCount(_mask);
            _mask &= _mask - 1;
            if (selection == Selection.Prefilling && !_found)
            {
                batch._decodingBelow = Current;   // every sequence before the first prompt found decodes
                _found = true;
            }

            return true;
        }
    }

    /// <summary>Sum of every sequence's context (KV tokens held), kept as the batch changes.</summary>
    public long ContextSum => _contextSum;

    /// <summary>Records that sequence <paramref name="i"/> prefilled <paramref name="tokens"/> more prompt tokens.</summary>
    public void AddPrefill(int i, int tokens)
    {
        Prefilled[i] += tokens;
        GrowAt[i] -= tokens;
        _contextSum += tokens;
    }

    /// <summary>One more output token for sequence <paramref name="i"/>; returns its generated count.</summary>
    public int GenerateOne(int i)
    {
        _contextSum++;
        int generated = ++Generated[i];
        NoteRemaining(i, Target[i] - generated);
        return generated;
    }

    /// <summary><paramref name="tokens"/> more output tokens for sequence <paramref name="i"/>.</summary>
    public void Generate(int i, int tokens)
    {
        Generated[i] += tokens;
        NoteRemaining(i, Target[i] - Generated[i]);
        _contextSum += tokens;
    }

    /// <summary>Gives sequence <paramref name="i"/> <paramref name="blocks"/> more KV blocks.</summary>
    public void AddBlocks(int i, int blocks)
    {
        Blocks[i] += blocks;
        GrowAt[i] += blocks * _blockTokens;
    }

    /// <summary>
    /// Adds <paramref name="tokens"/> generated tokens to every sequence and returns the smallest number any still has to
    /// produce (one vectorised pass).
    /// </summary>
    public int AdvanceAll(int tokens)
    {
        int n = Count;
        int[] generatedColumn = Generated, target = Target;
        Vector256<int> least = Vector256.Create(int.MaxValue), leastLeft = least;
        var step = Vector256.Create(tokens);
        for (int i = 0; i < n; i += Vector256<int>.Count)
        {
            // Lanes past Count keep their stale values and stay out of the minimum.
            Vector256<int> live = LiveLanes(i, n);
            Vector256<int> generated = ColumnVectors.Load(generatedColumn, i) + (step & live);
            generated.StoreTo(generatedColumn, i);
            NoteRemaining(i, ColumnVectors.Load(target, i) - generated, live, ref least, ref leastLeft);
        }

        _contextSum += (long)tokens * n;
        KeepRemaining(least, leastLeft);
        return _minRemaining;
    }

    public void Append(int request, int promptLength, int generated, int target, int blocks, long now, int shared = 0, int prefilled = 0)
    {
        int i = Count++;
        Request[i] = request;
        PromptLength[i] = promptLength;
        Prefilled[i] = Math.Min(promptLength, Math.Max(shared, prefilled));
        Shared[i] = shared;
        Generated[i] = generated;
        GeneratedAtAdmission[i] = generated;
        Target[i] = target;
        Admission[i] = _admissions++;
        NoteRemaining(i, target - generated);
        Blocks[i] = blocks;
        GrowAt[i] = (blocks * _blockTokens) + shared + generated - Prefilled[i];
        Chunk[i] = 0;
        LastToken[i] = now;
        NoteLastToken(now);
        _contextSum += Prefilled[i];
    }

    /// <summary>
    /// Checks the batch's books: every sequence's counters in range, its grow mark as documented, its blocks covering
    /// what it holds, the kept context sum, and no request twice. Throws on the first broken one.
    /// </summary>
    public void AssertInvariants(int maxSequences)
    {
        Invariant.Check(Count >= 0 && Count <= maxSequences, $"the batch holds {Count} sequences; its limit is {maxSequences}");
        long context = 0;
        var seen = new HashSet<int>();
        for (int i = 0; i < Count; i++)
        {
            Invariant.Check(seen.Add(Request[i]), $"request {Request[i]} is in the batch twice");
            Invariant.Check(Prefilled[i] >= 0 && Prefilled[i] <= PromptLength[i], $"sequence {i} prefilled {Prefilled[i]} of {PromptLength[i]} tokens");
            Invariant.Check(GeneratedAtAdmission[i] <= Generated[i] && Generated[i] <= Target[i], $"sequence {i} generated {Generated[i]} (admitted at {GeneratedAtAdmission[i]}, target {Target[i]})");
            Invariant.Check(Blocks[i] >= 0, $"sequence {i} holds {Blocks[i]} blocks");
            Invariant.Check(GrowAt[i] == (Blocks[i] * _blockTokens) + Shared[i] + GeneratedAtAdmission[i] - Prefilled[i], $"sequence {i}'s grow mark {GrowAt[i]} disagrees with its blocks");
            Invariant.Check(Generated[i] <= GrowAt[i], $"sequence {i} holds {Context(i)} tokens in {Blocks[i]} blocks of {_blockTokens} (+{Shared[i]} shared)");
            context += Context(i);
        }

        Invariant.Check(_decodingBelow >= 0 && _decodingBelow <= Count, $"the batch counts {_decodingBelow} decoding sequences first; it holds {Count}");
        for (int i = 0; i < Math.Min(_decodingBelow, Count); i++)
        {
            Invariant.Check(IsDecoding(i), $"sequence {i} prefills, below the first prompt the batch knows of ({_decodingBelow})");
        }

        for (int i = Math.Max(_decodingBelow, 1); i < Count; i++)
        {
            Invariant.Check(i == _decodingBelow || Admission[i - 1] < Admission[i], $"sequences {i - 1} and {i} are out of admission order after the first prompt ({_decodingBelow})");
        }

        Invariant.Check(context == _contextSum, $"the kept context sum {_contextSum} differs from the batch's {context}");
        Invariant.Check(!_lastTokensEqual || LastToken.AsSpan(0, Count).IndexOfAnyExcept(_sharedLastToken) < 0, "the batch counts its last tokens equal, and they are not");
    }
}
