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
}
