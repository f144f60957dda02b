using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Tests.Files;

public class TraceFileTests
{
    private static string Write(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), $"clustersim-trace-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Prompt_and_prefix_ids_give_requests_their_sharing()
    {
        string path = Write("""
            TIMESTAMP,ContextTokens,GeneratedTokens,PromptId,PrefixId,PrefixTokens
            2024-05-10 00:00:00.000,600,50,a,sys1,200
            2024-05-10 00:00:01.000,600,50,a,sys1,200
            2024-05-10 00:00:02.000,700,50,b,sys1,200
            2024-05-10 00:00:03.000,500,50,,,
            """);
        try
        {
            IReadOnlyList<TraceRecord> trace = TraceFile.Read(path);
            Assert.Equal(trace[0].Identity, trace[1].Identity);
            Assert.Equal(trace[0].Identity.Group, trace[2].Identity.Group);
            Assert.NotEqual(trace[0].Identity.PromptKey, trace[2].Identity.PromptKey);
            Assert.Equal(200, trace[2].Identity.GroupTokens);
            Assert.Equal(-1, trace[3].Identity.PromptKey);

            // Replayed with a prefix cache: the repeat finds 37 blocks (592 tokens), the third the shared 12 (192 tokens).
            var result = new ServingCluster(new ServingScenario
            {
                Replicas = [new ReplicaGroup(SimCatalog.Default.Deployment("llama-3.1-8b", "H100-SXM"), new SchedulerOptions { PrefixCaching = true })],
                Workload = _ => RequestSource.Trace(trace),
                MaxRequests = 4,
            }).Run();
            Assert.Equal(592 + 192, result.Metrics.PrefixHitTokens);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_prefix_id_without_its_length_is_a_located_error()
    {
        string path = Write("TIMESTAMP,ContextTokens,GeneratedTokens,PrefixId\n2024-05-10 00:00:00,600,50,sys1\n");
        try
        {
            var e = Assert.Throws<CatalogException>(() => TraceFile.Read(path));
            Assert.Contains(":2: field 'PrefixTokens'", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
