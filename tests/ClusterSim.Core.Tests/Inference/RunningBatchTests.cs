using ClusterSim.Core.Inference;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>The vectorised batch operations agree with their one-sequence-at-a-time definitions, on batches of every length.</summary>
public class RunningBatchTests
{
    private const int BlockTokens = 16;

    /// <summary>A batch of <paramref name="n"/> sequences, some still prefilling, each with the blocks its context needs (some one token short).</summary>
    private static RunningBatch Batch(int n, int seed, int blockTokens = BlockTokens)
    {
        var random = new System.Random(seed);
        var batch = new RunningBatch(Math.Max(64, n), blockTokens);
        for (int i = 0; i < n; i++)
        {
            int prompt = random.Next(1, 200);
            int shared = random.Next(4) == 0 ? random.Next(0, prompt) : 0;
            int delivered = random.Next(3) == 0 ? random.Next(0, 40) : 0;
            int blocks = (prompt - shared + blockTokens - 1) / blockTokens;
            batch.Append(i, prompt, delivered, delivered + random.Next(1, 300), blocks, now: 0, shared);
            if (random.Next(3) > 0)
            {
                batch.AddPrefill(i, prompt - batch.Prefilled[i]);   // finished its prompt: decoding
                for (int t = random.Next(0, 40); t > 0; t--)
                {
                    batch.GenerateOne(i);
                    int need = (batch.Context(i) - shared + blockTokens - 1) / blockTokens - batch.Blocks[i];
                    if (need > 0 && random.Next(5) > 0)
                    {
                        batch.AddBlocks(i, need);
                    }
                }
            }
        }

        return batch;
    }

    private static bool NeedsBlock(RunningBatch b, int i) => b.Context(i) - b.Shared[i] > b.Blocks[i] * BlockTokens;

    private static long ContextSum(RunningBatch b) => Enumerable.Range(0, b.Count).Sum(i => (long)b.Context(i));

    public static TheoryData<int> Lengths() => new(0, 1, 7, 8, 9, 31, 64);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Masks_select_exactly_the_sequences_their_definitions_do(int n)
    {
        RunningBatch batch = Batch(n, seed: n);
        for (int start = 0; start < 64; start += 8)
        {
            for (int lane = 0; lane < 8; lane++)
            {
                int i = start + lane;
                uint bit = 1u << lane;
                Assert.Equal(i < n && !batch.IsDecoding(i), (batch.PrefillingMask(start) & bit) != 0);
                Assert.Equal(i < n && batch.Generated[i] >= batch.Target[i], (batch.FinishedMask(start) & bit) != 0);
                Assert.Equal(i < n && NeedsBlock(batch, i), (batch.NeedsBlockMask(start) & bit) != 0);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Walks_visit_exactly_the_selected_sequences_in_order(int n)
    {
        RunningBatch batch = Batch(n, seed: 50 + n);
        static List<int> Walk(RunningBatch.SelectedIndices walk)
        {
            var indices = new List<int>();
            foreach (int i in walk)
            {
                indices.Add(i);
            }

            return indices;
        }

        Assert.Equal(Enumerable.Range(0, n).Where(i => !batch.IsDecoding(i)), Walk(batch.Selected(Selection.Prefilling)));
        Assert.Equal(Enumerable.Range(0, n).Where(i => batch.Generated[i] >= batch.Target[i]), Walk(batch.Selected(Selection.Finished)));
        Assert.Equal(Enumerable.Range(0, n).Where(i => NeedsBlock(batch, i)), Walk(batch.Selected(Selection.NeedsBlock)));
    }

    [Theory]
    [MemberData(nameof(GrowthLengths))]
    public void Advancing_everyone_by_several_tokens_returns_the_smallest_remaining_count_and_leaves_the_rest_alone(int n)
    {
        RunningBatch batch = Batch(n, seed: 500 + n);
        int capacity = batch.Generated.Length;
        int[] before = batch.Generated[..capacity];
        for (int i = n; i < capacity; i++)
        {
            batch.Generated[i] = -7;   // stale lanes past the batch: untouched, and not in the minimum
            batch.Target[i] = -9;
        }

        int min = batch.AdvanceAll(3);

        Assert.Equal(Enumerable.Range(0, n).Select(i => before[i] + 3), batch.Generated[..n]);
        Assert.All(batch.Generated[n..], g => Assert.Equal(-7, g));
        Assert.Equal(Enumerable.Range(0, n).Select(i => batch.Target[i] - batch.Generated[i]).DefaultIfEmpty(int.MaxValue).Min(), min);
        Assert.Equal(ContextSum(batch), batch.ContextSum);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Advancing_decoders_leaves_prefilling_sequences_and_keeps_the_context_sum(int n)
    {
        RunningBatch batch = Batch(n, seed: 100 + n);
        int[] before = batch.Generated[..n];
        bool[] decoding = Enumerable.Range(0, n).Select(batch.IsDecoding).ToArray();

        int min = batch.AdvanceDecoding();

        Assert.Equal(Enumerable.Range(0, n).Select(i => before[i] + (decoding[i] ? 1 : 0)), batch.Generated[..n]);
        int expected = Enumerable.Range(0, n).Where(i => decoding[i]).Select(i => batch.Target[i] - batch.Generated[i]).DefaultIfEmpty(int.MaxValue).Min();
        Assert.Equal(expected, min);
        Assert.Equal(ContextSum(batch), batch.ContextSum);
    }

    [Theory]
    [MemberData(nameof(GrowthLengths))]
    public void A_speculative_step_advances_each_decoding_sequence_up_to_its_target(int n)
    {
        foreach (int tokens in new[] { 1, 3, 16 })
        {
            RunningBatch batch = Batch(n, seed: 400 + n);
            int[] before = batch.Generated[..n];
            bool[] decoding = Enumerable.Range(0, n).Select(batch.IsDecoding).ToArray();

            int min = batch.AdvanceDecodingToTargets(tokens, out int advanced);

            int[] expected = [.. Enumerable.Range(0, n).Select(i => decoding[i] ? Math.Min(before[i] + tokens, Math.Max(before[i], batch.Target[i])) : before[i])];
            Assert.Equal(expected, batch.Generated[..n]);
            Assert.Equal(expected.Sum() - before.Sum(), advanced);
            int remaining = Enumerable.Range(0, n).Where(i => decoding[i]).Select(i => batch.Target[i] - batch.Generated[i]).DefaultIfEmpty(int.MaxValue).Min();
            Assert.Equal(remaining, min);
            Assert.Equal(ContextSum(batch), batch.ContextSum);
        }
    }

    [Theory]
    [MemberData(nameof(GrowthLengths))]
    public void The_smallest_remaining_count_is_the_definitions_whatever_lies_past_the_batch(int n)
    {
        RunningBatch batch = Batch(n, seed: 300 + n);
        int expected = Enumerable.Range(0, n).Select(i => batch.Target[i] - batch.Generated[i]).DefaultIfEmpty(int.MaxValue).Min();
        Assert.Equal(expected, batch.MinRemaining());   // the lanes past the last sequence hold zeros

        if (n > 1)
        {
            batch.RemoveLast();   // and now a stale sequence
            Assert.Equal(Enumerable.Range(0, n - 1).Select(i => batch.Target[i] - batch.Generated[i]).Min(), batch.MinRemaining());
        }
    }

    [Theory]
    [MemberData(nameof(GrowthLengths))]
    public void Decoding_sequences_share_a_last_token_exactly_when_the_definition_says(int n)
    {
        RunningBatch batch = Batch(n, seed: 400 + n);
        int[] decoding = [.. Enumerable.Range(0, n).Where(batch.IsDecoding)];
        for (int i = 0; i < n; i++)
        {
            batch.Stamp(i, batch.IsDecoding(i) ? 5_000 : 1_000 + i);   // the prompts' differ from everyone's
        }

        Assert.Equal(decoding.Length > 0, batch.DecodingLastTokensEqual(out long from));
        if (decoding.Length == 0)
        {
            return;
        }

        Assert.Equal(5_000, from);
        foreach (int odd in new[] { decoding[0], decoding[^1], decoding[decoding.Length / 2] })
        {
            batch.Stamp(odd, 4_999);
            Assert.Equal(decoding.Length == 1, batch.DecodingLastTokensEqual(out _));   // one decoder alone still agrees with itself
            batch.Stamp(odd, 5_000);
        }
    }

    [Fact]
    public void Whether_all_last_tokens_are_equal_follows_every_stamp_admission_and_removal()
    {
        // The answer is kept between calls; it must still be the definition's after any sequence of writes.
        var random = new Random(17);
        var batch = new RunningBatch(64, BlockTokens);
        int next = 0;
        for (int step = 0; step < 20_000; step++)
        {
            long time = random.Next(3);   // few distinct times, so equal and unequal batches both come up
            switch (random.Next(6))
            {
                case 0 or 1 when batch.Count < 64:
                    batch.Append(next++, promptLength: 10, generated: 0, target: 50, blocks: 1, now: time);
                    break;
                case 2 when batch.Count > 0:
                    batch.Stamp(random.Next(batch.Count), time);
                    break;
                case 3:
                    batch.StampAll(time);
                    break;
                case 4 when batch.Count > 0:
                    batch.RemoveAll([.. Enumerable.Range(0, batch.Count).Where(_ => random.Next(4) == 0)]);
                    break;
                case 5 when batch.Count > 0:
                    batch.RemoveLast();
                    break;
            }

            bool expected = batch.Count == 0 || batch.LastToken.AsSpan(0, batch.Count).IndexOfAnyExcept(batch.LastToken[0]) < 0;
            Assert.Equal(expected, batch.LastTokensAllEqual());
            batch.AssertInvariants(64);
        }
    }

    /// <summary>Batch lengths for growth: those above, and past the 512 sequences whose vectors a 64-bit mask tracks.</summary>
    public static TheoryData<int> GrowthLengths() => new(0, 1, 7, 8, 9, 31, 64, 200, 600);

    [Theory]
    [MemberData(nameof(GrowthLengths))]
    public void Growing_each_gives_every_sequence_the_blocks_it_needs_or_changes_nothing(int n)
    {
        foreach (int blockTokens in new[] { BlockTokens, 12 })
        {
            foreach (int advance in new[] { 0, 1, 7, 40 })   // after an iteration, or a macro-step of several blocks' tokens
            {
                RunningBatch batch = Batch(n, seed: 200 + n, blockTokens);
                batch.AdvanceDecoding(advance);
                int[] need = [.. Enumerable.Range(0, n).Select(i => BlocksNeeded(batch, i, blockTokens))];
                int[] blocks = batch.Blocks[..n];
                if (blockTokens != BlockTokens && need.Any(b => b > 1))
                {
                    Assert.Equal(-1, batch.TryGrowEach(int.MaxValue));   // left to the caller
                    Assert.Equal(blocks, batch.Blocks[..n]);
                    continue;
                }

                Assert.Equal(need.Sum() == 0 ? 0 : -1, batch.TryGrowEach(need.Sum() - 1));   // one block short: nothing happens
                Assert.Equal(blocks, batch.Blocks[..n]);

                Assert.Equal(need.Sum(), batch.TryGrowEach(need.Sum()));
                Assert.Equal(blocks.Zip(need, (b, extra) => b + extra), batch.Blocks[..n]);
                Assert.All(Enumerable.Range(0, n), i => Assert.Equal(0, BlocksNeeded(batch, i, blockTokens)));
            }
        }
    }

    [Fact]
    public void A_sequence_short_of_two_blocks_gets_both()
    {
        var batch = new RunningBatch(8, BlockTokens);
        batch.Append(0, promptLength: 16, generated: 0, target: 100, blocks: 1, now: 0);
        batch.AddPrefill(0, 16);
        Assert.Equal(80, batch.AdvanceAll(20));   // 36 tokens in 1 block: two more needed (as after a macro-step)
        Assert.Equal(-1, batch.TryGrowEach(1));
        Assert.Equal(2, batch.TryGrowEach(10));
        Assert.Equal(3, batch.Blocks[0]);
        Assert.Equal(0, BlocksNeeded(batch, 0, BlockTokens));
    }

    /// <summary>The blocks sequence <paramref name="i"/> lacks for its context (beyond a shared prefix), by the definition.</summary>
    private static int BlocksNeeded(RunningBatch batch, int i, int blockTokens) =>
        Math.Max(0, ((batch.Context(i) - batch.Shared[i] + blockTokens - 1) / blockTokens) - batch.Blocks[i]);

    [Fact]
    public void Removing_sequences_keeps_the_context_sum()
    {
        RunningBatch batch = Batch(20, seed: 3);
        batch.RemoveAll([5]);
        batch.RemoveLast();
        batch.RemoveAll([0]);
        Assert.Equal(17, batch.Count);
        Assert.Equal(ContextSum(batch), batch.ContextSum);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(9)]
    [InlineData(40)]
    public void Removing_from_a_large_batch_moves_every_column_as_the_definition_does(int removals)
    {
        // Gaps of every size between vector-wide moves and single entries, in a batch of many vectors.
        var random = new Random(removals);
        RunningBatch batch = Batch(200, seed: 8);
        for (int i = 0; i < batch.Count; i++)
        {
            batch.Stamp(i, random.NextInt64(0, long.MaxValue));
            batch.Chunk[i] = random.Next();
        }

        int[] removed = [.. Enumerable.Range(0, 200).OrderBy(_ => random.Next()).Take(removals).Order()];
        int[] kept = [.. Enumerable.Range(0, 200).Where(i => Array.BinarySearch(removed, i) < 0)];
        int[][] intColumns = [batch.Request, batch.PromptLength, batch.Prefilled, batch.Generated, batch.GeneratedAtAdmission, batch.Target, batch.Shared, batch.Blocks, batch.GrowAt, batch.Chunk];
        int[][] intBefore = [.. intColumns.Select(c => c[..200])];
        long[] lastBefore = batch.LastToken[..200];
        long[] admissionBefore = batch.Admission[..200];

        batch.RemoveAll(removed);

        Assert.Equal(kept.Length, batch.Count);
        for (int c = 0; c < intColumns.Length; c++)
        {
            Assert.Equal(kept.Select(i => intBefore[c][i]), intColumns[c][..batch.Count]);
        }

        Assert.Equal(kept.Select(i => lastBefore[i]), batch.LastToken[..batch.Count]);
        Assert.Equal(kept.Select(i => admissionBefore[i]), batch.Admission[..batch.Count]);
        Assert.Equal(ContextSum(batch), batch.ContextSum);
    }

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 0 })]
    [InlineData(new[] { 19 })]
    [InlineData(new[] { 0, 1, 2 })]
    [InlineData(new[] { 3, 7, 8, 19 })]
    [InlineData(new[] { 0, 5, 10, 15, 18, 19 })]
    public void Removing_several_sequences_keeps_the_rest_in_order(int[] removed)
    {
        RunningBatch batch = Batch(20, seed: 5);
        for (int i = 0; i < batch.Count; i++)
        {
            batch.Stamp(i, 1_000 + (7 * i));
        }

        int[] requestsBefore = batch.Request[..batch.Count];
        long[] lastTokensBefore = batch.LastToken[..batch.Count];
        int[] targetsBefore = batch.Target[..batch.Count];
        batch.RemoveAll(removed);

        int[] kept = [.. Enumerable.Range(0, 20).Where(i => !removed.Contains(i))];
        Assert.Equal(kept.Length, batch.Count);
        Assert.Equal(kept.Select(i => requestsBefore[i]), batch.Request[..batch.Count]);
        Assert.Equal(kept.Select(i => lastTokensBefore[i]), batch.LastToken[..batch.Count]);
        Assert.Equal(kept.Select(i => targetsBefore[i]), batch.Target[..batch.Count]);
        Assert.Equal(ContextSum(batch), batch.ContextSum);
    }

    private static List<int> Prompts(RunningBatch batch)
    {
        var prompts = new List<int>();
        foreach (int i in batch.Selected(Selection.Prefilling))
        {
            prompts.Add(i);
        }

        return prompts;
    }

    /// <summary>Every column of sequence <paramref name="i"/>, as one comparable row.</summary>
    private static (int Request, int Prompt, int Prefilled, int Generated, int AtAdmission, int Target, int Shared, int Blocks, int GrowAt, int Chunk, long LastToken, long Admission) Row(RunningBatch b, int i) =>
        (b.Request[i], b.PromptLength[i], b.Prefilled[i], b.Generated[i], b.GeneratedAtAdmission[i], b.Target[i], b.Shared[i], b.Blocks[i], b.GrowAt[i], b.Chunk[i], b.LastToken[i], b.Admission[i]);

    [Fact]
    public void A_decoding_sequence_ahead_of_the_first_prompt_leaves_its_place_to_the_last_of_them()
    {
        // The first of the generated batches with at least three decoding sequences ahead of its first prompt.
        RunningBatch batch = Enumerable.Range(1, 100).Select(seed => Batch(20, seed)).First(b => Enumerable.Range(0, 3).All(b.IsDecoding));
        for (int i = 0; i < batch.Count; i++)
        {
            batch.Stamp(i, 1_000 + (7 * i));
        }

        int firstPrompt = Enumerable.Range(0, 20).First(i => !batch.IsDecoding(i));
        Assert.Equal(firstPrompt, Prompts(batch)[0]);   // the walk that finds it counts everything ahead as decoding
        var rows = Enumerable.Range(0, 20).Select(i => Row(batch, i)).ToArray();
        int leaver = 0;
        Assert.True(firstPrompt >= 3, "the batch has decoding sequences ahead of its first prompt to fill the gap with");
        batch.RemoveAll([leaver]);

        // The last decoding sequence ahead of the first prompt takes the leaver's place; from the prompt on, all move down one.
        var expected = rows.ToList();
        expected[leaver] = rows[firstPrompt - 1];
        expected.RemoveAt(firstPrompt - 1);

        Assert.Equal(expected, Enumerable.Range(0, batch.Count).Select(i => Row(batch, i)));
        Assert.Equal(ContextSum(batch), batch.ContextSum);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Whatever_leaves_the_others_keep_their_columns_and_sorting_restores_admission_order(int seed)
    {
        // A reference list in admission order against the batch, through admissions, prefills, walks and removals.
        var random = new Random(seed);
        var batch = new RunningBatch(96, BlockTokens);
        var reference = new List<int>();   // requests in admission order
        int next = 0;
        for (int step = 0; step < 3_000; step++)
        {
            int roll = random.Next(10);
            if (roll < 4 && batch.Count < 96)
            {
                int prompt = random.Next(1, 100);
                batch.Append(next, prompt, 0, random.Next(1, 50), (prompt + BlockTokens - 1) / BlockTokens, now: step, prefilled: random.Next(4) == 0 ? prompt : 0);
                reference.Add(next++);
            }
            else if (roll < 6)
            {
                foreach (int i in batch.Selected(Selection.Prefilling))
                {
                    if (random.Next(2) == 0)
                    {
                        batch.AddPrefill(i, batch.PromptLength[i] - batch.Prefilled[i]);
                    }
                }
            }
            else if (roll < 9 && batch.Count > 0)
            {
                int[] leaving = [.. Enumerable.Range(0, batch.Count).Where(_ => random.Next(6) == 0)];
                foreach (int i in leaving)
                {
                    reference.Remove(batch.Request[i]);
                }

                if (Enumerable.Range(0, batch.Count).All(batch.IsDecoding))
                {
                    batch.NoPrompts();
                }

                batch.RemoveAll(leaving);
            }
            else
            {
                var before = Enumerable.Range(0, batch.Count).Select(i => Row(batch, i)).OrderBy(r => r.Admission).ToArray();
                batch.SortByAdmission();
                Assert.Equal(before, Enumerable.Range(0, batch.Count).Select(i => Row(batch, i)));
                Assert.Equal(reference, batch.Request[..batch.Count]);
            }

            batch.AssertInvariants(96);
            Assert.Equal(ContextSum(batch), batch.ContextSum);
            Assert.Equal(reference.Order(), batch.Request[..batch.Count].Order());
            List<int> prompts = Prompts(batch);
            Assert.Equal(reference.Where(r => !batch.IsDecoding(Array.IndexOf(batch.Request, r, 0, batch.Count))), prompts.Select(i => batch.Request[i]));
        }
    }

    [Fact]
    public void Indices_are_put_in_admission_order()
    {
        RunningBatch batch = Batch(30, seed: 2);
        int[] indices = [.. Enumerable.Range(0, 30).Where(i => i % 3 == 0)];
        batch.SortByAdmission();
        int[] shuffled = [.. indices.OrderBy(i => (i * 7919) % 31)];
        batch.OrderByAdmission(shuffled);
        Assert.Equal(indices, shuffled);
    }
}
