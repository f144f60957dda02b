using ClusterSim.Core.Inference;

namespace ClusterSim.Core.Tests.Inference;

public class PrefixCacheTests
{
    [Fact]
    public void A_block_is_evictable_only_when_nobody_uses_it()
    {
        var cache = new PrefixCache();
        Assert.True(cache.TryAdd(1));
        Assert.False(cache.TryAdd(1));
        cache.Pin(1);                       // a second sequence uses it
        Assert.False(cache.Unpin(1));
        Assert.Equal(0, cache.Evictable);
        Assert.True(cache.Unpin(1));
        Assert.Equal(1, cache.Evictable);
        Assert.True(cache.IsEvictable(1));
        cache.Pin(1);
        Assert.Equal(0, cache.Evictable);
    }

    [Fact]
    public void A_pinned_blocks_slot_stays_its_own_through_evictions_and_unpins_it_as_its_key_would()
    {
        // Block 1 is added (slot kept), released, pinned again (slot kept); blocks 2 and 3 come and go around it, with
        // evictions that reuse their slots. Unpinning 1 by its slot then frees block 1, not whatever else moved.
        var cache = new PrefixCache();
        Assert.True(cache.TryAdd(1, out int added));
        Assert.True(cache.UnpinAt(added));
        int pinned = cache.Pin(1);
        Assert.Equal(added, pinned);
        cache.TryAdd(2, out int second);
        cache.UnpinAt(second);
        cache.Evict(1);                     // 2, the only evictable block, goes; its slot is free for 3
        Assert.True(cache.TryAdd(3, out int third));
        Assert.Equal(second, third);
        Assert.False(cache.TryAdd(1, out int none));
        Assert.Equal(-1, none);
        Assert.True(cache.UnpinAt(pinned));
        Assert.True(cache.IsEvictable(1));
        Assert.False(cache.IsEvictable(3));
        cache.Evict(1);
        Assert.False(cache.Contains(1));
        Assert.True(cache.Contains(3));
    }

    [Fact]
    public void Eviction_forgets_the_least_recently_released_first()
    {
        var cache = new PrefixCache();
        foreach (long key in new long[] { 10, 20, 30 })
        {
            cache.TryAdd(key);
        }

        cache.Unpin(20);
        cache.Unpin(10);
        cache.Unpin(30);
        cache.Pin(10);      // used again: no longer evictable
        cache.Unpin(10);    // and now the most recent
        cache.Evict(2);
        Assert.False(cache.Contains(20));
        Assert.False(cache.Contains(30));
        Assert.True(cache.Contains(10));
        Assert.Equal(1, cache.Count);
    }
}
