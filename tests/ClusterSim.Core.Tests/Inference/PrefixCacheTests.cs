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
