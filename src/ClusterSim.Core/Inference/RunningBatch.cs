using System.Numerics;

namespace ClusterSim.Core.Inference;

/// <summary>
/// A replica's running sequences as parallel arrays (structure of arrays), in admission order.
/// Bulk updates over the whole batch use <see cref="Vector{T}"/>.
/// </summary>
internal sealed class RunningBatch
{
    public RunningBatch(int capacity)
    {
        Request = new int[capacity];
        PromptLength = new int[capacity];
        Prefilled = new int[capacity];
        Generated = new int[capacity];
        GeneratedAtAdmission = new int[capacity];
        Target = new int[capacity];
        Blocks = new int[capacity];
        Shared = new int[capacity];
        Chunk = new int[capacity];
        Remaining = new int[capacity];
        LastToken = new long[capacity];
    }

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

    /// <summary>Leading context tokens whose KV blocks belong to another sequence (a shared prompt prefix).</summary>
    public readonly int[] Shared;

    /// <summary>Prompt tokens scheduled in the current iteration.</summary>
    public readonly int[] Chunk;

    /// <summary>Scratch: output tokens still to produce.</summary>
    public readonly int[] Remaining;
    public readonly long[] LastToken;

    public bool IsDecoding(int i) => Prefilled[i] == PromptLength[i];

    /// <summary>Tokens held in the KV cache.</summary>
    public int Context(int i) => Prefilled[i] + Generated[i] - GeneratedAtAdmission[i];

    /// <summary>Smallest number of output tokens any sequence still has to produce (vectorised).</summary>
    public int MinRemaining()
    {
        int n = Count;
        int i = 0;
        int width = Vector<int>.Count;
        var best = new Vector<int>(int.MaxValue);
        for (; i <= n - width; i += width)
        {
            var remaining = new Vector<int>(Target, i) - new Vector<int>(Generated, i);
            best = Vector.Min(best, remaining);
        }

        int min = int.MaxValue;
        for (int lane = 0; lane < width; lane++)
        {
            min = Math.Min(min, best[lane]);
        }

        for (; i < n; i++)
        {
            min = Math.Min(min, Target[i] - Generated[i]);
        }

        return min;
    }

    /// <summary>
    /// Whether any of the <see cref="Vector{T}.Count"/> sequences from <paramref name="start"/> holds more tokens than its
    /// blocks cover; true when fewer than a full vector remain (the caller then checks them one by one).
    /// </summary>
    public bool AnyNeedsBlockFrom(int start, int blockTokens)
    {
        if (start + Vector<int>.Count > Count)
        {
            return true;
        }

        var held = new Vector<int>(Prefilled, start) + new Vector<int>(Generated, start) - new Vector<int>(GeneratedAtAdmission, start) - new Vector<int>(Shared, start);
        return Vector.GreaterThanAny(held, new Vector<int>(Blocks, start) * blockTokens);
    }

    /// <summary>True when every sequence's last token came at <paramref name="time"/> (vectorised).</summary>
    public bool AllLastTokensAt(long time)
    {
        int n = Count;
        int i = 0;
        int width = Vector<long>.Count;
        var target = new Vector<long>(time);
        for (; i <= n - width; i += width)
        {
            if (!Vector.EqualsAll(new Vector<long>(LastToken, i), target))
            {
                return false;
            }
        }

        for (; i < n; i++)
        {
            if (LastToken[i] != time)
            {
                return false;
            }
        }

        return n > 0;
    }

    /// <summary>Sum of every sequence's context (KV tokens held), vectorised with 64-bit accumulation.</summary>
    public long ContextSum()
    {
        int n = Count;
        int i = 0;
        int width = Vector<int>.Count;
        var low = Vector<long>.Zero;
        var high = Vector<long>.Zero;
        for (; i <= n - width; i += width)
        {
            var context = new Vector<int>(Prefilled, i) + new Vector<int>(Generated, i) - new Vector<int>(GeneratedAtAdmission, i);
            Vector.Widen(context, out Vector<long> a, out Vector<long> b);
            low += a;
            high += b;
        }

        long sum = Vector.Sum(low) + Vector.Sum(high);
        for (; i < n; i++)
        {
            sum += Context(i);
        }

        return sum;
    }

    /// <summary>Adds <paramref name="tokens"/> generated tokens to every sequence (vectorised).</summary>
    public void AdvanceAll(int tokens)
    {
        int n = Count;
        int i = 0;
        int width = Vector<int>.Count;
        var step = new Vector<int>(tokens);
        for (; i <= n - width; i += width)
        {
            (new Vector<int>(Generated, i) + step).CopyTo(Generated, i);
        }

        for (; i < n; i++)
        {
            Generated[i] += tokens;
        }
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
        Blocks[i] = blocks;
        Chunk[i] = 0;
        LastToken[i] = now;
    }

    /// <summary>Removes sequence <paramref name="index"/>, keeping the others in order (one block move per column).</summary>
    public void RemoveAt(int index)
    {
        int tail = Count - index - 1;
        if (tail > 0)
        {
            Array.Copy(Request, index + 1, Request, index, tail);
            Array.Copy(PromptLength, index + 1, PromptLength, index, tail);
            Array.Copy(Prefilled, index + 1, Prefilled, index, tail);
            Array.Copy(Generated, index + 1, Generated, index, tail);
            Array.Copy(GeneratedAtAdmission, index + 1, GeneratedAtAdmission, index, tail);
            Array.Copy(Target, index + 1, Target, index, tail);
            Array.Copy(Shared, index + 1, Shared, index, tail);
            Array.Copy(Blocks, index + 1, Blocks, index, tail);
            Array.Copy(Chunk, index + 1, Chunk, index, tail);
            Array.Copy(LastToken, index + 1, LastToken, index, tail);
        }

        Count--;
    }

    /// <summary>Moves sequence <paramref name="from"/> to slot <paramref name="to"/> (order-preserving compaction).</summary>
    public void Move(int from, int to)
    {
        Request[to] = Request[from];
        PromptLength[to] = PromptLength[from];
        Prefilled[to] = Prefilled[from];
        Generated[to] = Generated[from];
        GeneratedAtAdmission[to] = GeneratedAtAdmission[from];
        Target[to] = Target[from];
        Shared[to] = Shared[from];
        Blocks[to] = Blocks[from];
        Chunk[to] = Chunk[from];
        LastToken[to] = LastToken[from];
    }
}
