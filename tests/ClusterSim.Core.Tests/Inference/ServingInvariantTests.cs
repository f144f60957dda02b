using ClusterSim.Core.Catalog;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.TestTime;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;
using ClusterSim.Core.Tests.Engine;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>The request table, running batches, KV pools and queues keep their books after every event of small scenarios.</summary>
public class ServingInvariantTests
{
    private static ServingScenario Pressed(SchedulerKind kind, bool caching, bool macro, long hostKvBytes = 0, KvAdmissionPolicy admission = KvAdmissionPolicy.Grow)
    {
        ServingScenario s = ServingScenarios.Poisson(45, 500, kind, macro: macro, deployment: ServingScenarios.Llama8bOnH100 with { MemoryReserve = 0.87 });
        return s with
        {
            Replicas = [new ReplicaGroup(s.Replicas[0].Deployment, s.Replicas[0].Scheduler with { PrefixCaching = caching, HostKvBytes = hostKvBytes, KvAdmission = admission })],
            Workload = streams => RequestSource.Open(ArrivalProcess.Poisson(45), TokenLengths.LogNormalFromMeanMedian(512, 350, 4096),
                TokenLengths.LogNormalFromMeanMedian(256, 180, 2048), streams, new PromptSet(4, 20, 200)),
        };
    }

    public static TheoryData<string> Scenarios() => new(Cases.Keys);

    private static readonly Dictionary<string, Func<ServingScenario>> Cases = new()
    {
        ["continuous, preempting"] = () => Pressed(SchedulerKind.Continuous, caching: false, macro: true),
        ["chunked prefill, preempting, one event per iteration"] = () => Pressed(SchedulerKind.ChunkedPrefill, caching: false, macro: false),
        ["long prompts in chunked-prefill stretches"] = () => ServingScenarios.LongPromptsChunked(0.8, 300),
        ["several prompts per prefill stretch, kv-aware over three replicas"] = () => ServingScenarios.MixedPromptsChunked(20, 600, macro: true, replicas: 3, Core.Inference.Routing.RouterKind.KvAware),
        ["static batching"] = () => Pressed(SchedulerKind.Static, caching: false, macro: true),
        ["whole prompts beside decodes, preempting"] = () => Pressed(SchedulerKind.WholePrompts, caching: false, macro: true),
        ["chunked prefill reserving whole sequences"] = () => Pressed(SchedulerKind.ChunkedPrefill, caching: false, macro: true, admission: KvAdmissionPolicy.Reserve),
        ["prefix caching, reserving whole sequences"] = () => Pressed(SchedulerKind.ChunkedPrefill, caching: true, macro: true, admission: KvAdmissionPolicy.Reserve),
        ["prefix caching, preempting"] = () => Pressed(SchedulerKind.ChunkedPrefill, caching: true, macro: true),
        ["prefix caching with a host tier"] = () => Pressed(SchedulerKind.ChunkedPrefill, caching: true, macro: true, hostKvBytes: 20_000_000_000),
        ["three replicas, round robin"] = () => ServingScenarios.Poisson(60, 600, replicas: 3, router: Core.Inference.Routing.RouterKind.RoundRobin),
        ["prefill/decode disaggregation"] = () => ServingScenarios.Poisson(20, 400, replicas: 4) with { Disaggregation = new Disaggregation(2, 50) },
        ["speculative decoding (draft head, 3 tokens)"] = () => ServingScenarios.Poisson(40, 600, deployment: ServingScenarios.Llama8bOnH100 with
        {
            Speculative = new SpeculativeDecoding { Method = SpeculativeMethod.Eagle, Tokens = 3, Acceptance = 0.7 },
        }),
        ["sliding-window KV blocks (Gemma 3 27B)"] = () => ServingScenarios.Poisson(6, 500, deployment: SimCatalog.Default.Deployment("gemma-3-27b", "H100-SXM", weights: Precision.FP8)),
        ["best-of-4"] = () => ServingScenarios.Poisson(5, 200) with { TestTime = new TestTimeOptions { Policy = TestTimePolicy.BestOfN, Samples = 4 } },
        ["async scheduling, preempting, with prefix caching"] = () => ServingScenarios.AsyncScheduled(Pressed(SchedulerKind.ChunkedPrefill, caching: true, macro: true)),
        ["vLLM V0's ten-step windows, preempting"] = () => Pressed(SchedulerKind.Continuous, caching: false, macro: true) is var pressed
            ? pressed with { Replicas = [.. pressed.Replicas.Select(g => g with { Deployment = g.Deployment with { MultiStep = 10 } })] }
            : pressed,
        ["conditional disaggregation: short or cached prompts, or a long prefill queue, prefill on the decode replica"] = () => Pressed(SchedulerKind.ChunkedPrefill, caching: true, macro: true) is var pressed
            ? pressed with
            {
                Replicas = [pressed.Replicas[0] with { Count = 3 }],
                Disaggregation = new Disaggregation(1, 50) { MaxLocalPrefillTokens = 256, MaxPrefillQueue = 3 },
                Router = Core.Inference.Routing.RouterKind.KvAware,
            }
            : pressed,
        ["async scheduling, prefill/decode disaggregation"] = () => ServingScenarios.AsyncScheduled(ServingScenarios.Poisson(20, 400, replicas: 4) with { Disaggregation = new Disaggregation(2, 50) }),
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void The_books_hold_after_every_event(string name)
    {
        ServingCluster? cluster = null;
        var check = new CheckEveryEvent(() => cluster!.AssertInvariants());
        var simulator = new Simulator { Trace = check };
        cluster = new ServingCluster(Cases[name](), simulator);
        ServingResult result = cluster.Run();
        cluster.AssertInvariants();

        Assert.True(result.Conserved, name);
        Assert.Equal(result.EventsFired, check.Count);
        Assert.True(check.Count > 1000, $"{name}: only {check.Count} events checked");
    }

    [Fact]
    public void A_broken_book_is_caught()
    {
        var batch = new RunningBatch(8, 16);
        batch.Append(request: 3, promptLength: 100, generated: 0, target: 10, blocks: 7, now: 0);
        batch.AssertInvariants(8);
        batch.Generated[0] = 11;   // more tokens than its target
        Assert.Contains("generated 11", Assert.Throws<InvalidOperationException>(() => batch.AssertInvariants(8)).Message, StringComparison.Ordinal);

        var requests = new RequestTable();
        int id = requests.Add(arrival: 100, prompt: 10, output: 5);
        requests.SetFirstToken(id, 50);   // before it arrived
        Assert.Contains("precedes its arrival", Assert.Throws<InvalidOperationException>(requests.AssertInvariants).Message, StringComparison.Ordinal);
        requests.SetFirstToken(id, 150);
        Assert.True(requests.AssertInvariants()[id]);
        requests.Release(id);
        Assert.False(requests.AssertInvariants()[id]);
    }
}
