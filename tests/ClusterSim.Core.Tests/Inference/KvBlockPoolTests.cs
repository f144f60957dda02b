using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Core.Tests.Inference;

public class KvBlockPoolTests
{
    private static (KvBlockPool Pool, RequestTable Requests) Pool(bool caching)
    {
        var requests = new RequestTable();
        return (new KvBlockPool(ServingScenarios.Llama8bOnH100, new SchedulerOptions { PrefixCaching = caching }, requests), requests);
    }

    [Fact]
    public void A_plain_request_takes_its_prompts_blocks_and_gives_them_back()
    {
        var (pool, requests) = Pool(caching: false);
        int id = requests.Add(0, 1000, 100);
        KvAdmission plan = pool.Plan(id, reserveWhole: false);
        Assert.Equal(63, plan.Need);   // ⌈1000 / 16⌉
        Assert.Equal(0, plan.Shared);
        pool.Admit(id, plan);
        Assert.Equal(pool.Total - 63, pool.Free);
        pool.Release(id, 63, finished: true);
        Assert.Equal(pool.Total, pool.Free);
    }

    [Fact]
    public void A_second_request_of_one_prompt_shares_the_first_ones_blocks_while_both_run()
    {
        var (pool, requests) = Pool(caching: true);
        var identity = new PromptIdentity(-1, 0, 7);
        int first = requests.Add(0, 1000, 100);
        requests.SetIdentity(first, identity);
        pool.Admit(first, pool.Plan(first, reserveWhole: false));
        pool.PromptComputed(first);                      // 62 full blocks enter the cache, still the first's

        int second = requests.Add(0, 1000, 100);
        requests.SetIdentity(second, identity);
        KvAdmission plan = pool.Plan(second, reserveWhole: false);
        Assert.Equal(62, plan.Hit);                      // all but the block holding the last token
        Assert.Equal(0, plan.Pin);                       // in use by the first, so pinning takes nothing
        Assert.Equal(1, plan.Need);
        pool.Admit(second, plan);

        pool.Release(first, 63, finished: true);         // the shared blocks stay: the second uses them
        Assert.Equal(pool.Total - 62 - 1, pool.Free);
        pool.Release(second, 1, finished: true);         // now unused: free, but still cached
        Assert.Equal(pool.Total, pool.Free);
        Assert.Equal(62, pool.Cache!.Evictable);
        Assert.Equal(pool.Total - 62, pool.TrulyFree);
    }

    [Fact]
    public void Evicting_ahead_of_growth_then_taking_it_evicts_what_taking_it_in_steps_does()
    {
        // Two pools each holding one finished prompt's 62 evictable blocks and 5 truly free ones; 20 blocks of growth
        // evict the 15 least recently used. A macro-step's view at 12 blocks in (EvictAhead, Free untouched), then its
        // commit, must leave the cache as taking 12 and then 8 does.
        KvBlockPool Warm(out PromptIdentity identity)
        {
            var (pool, requests) = Pool(caching: true);
            identity = new PromptIdentity(-1, 0, 7);
            int id = requests.Add(0, 1000, 100);
            requests.SetIdentity(id, identity);
            pool.Admit(id, pool.Plan(id, reserveWhole: false));
            pool.PromptComputed(id);
            pool.Release(id, 1, finished: true);
            pool.Take(pool.TrulyFree - 5);
            return pool;
        }

        KvBlockPool stepped = Warm(out PromptIdentity identity), ahead = Warm(out _);
        stepped.Take(12);
        stepped.Take(8);

        int free = ahead.Free;
        ahead.EvictAhead(12);
        Assert.Equal(free, ahead.Free);
        Assert.Equal(62 - 7, ahead.Cache!.Evictable);
        ahead.EvictAhead(12);                            // a second look at the same moment evicts nothing more
        Assert.Equal(62 - 7, ahead.Cache.Evictable);
        ahead.Take(20);

        Assert.Equal(stepped.Free, ahead.Free);
        Assert.Equal(62 - 15, ahead.Cache.Evictable);
        for (int b = 0; b < 62; b++)
        {
            long key = identity.BlockKey(b, (b + 1) * 16);
            Assert.Equal(b >= 15, ahead.Cache.Contains(key));
            Assert.Equal(stepped.Cache!.Contains(key), ahead.Cache.Contains(key));
        }
    }
}
