using System.Globalization;
using System.Text;
using ClusterSim.Core.Cluster;
using ClusterSim.Core.Engine;
using ClusterSim.Experiments.Studies;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary>
/// Shared-cluster experiment files written from a seed with well-formed values: one to three pools of mixed hardware
/// (empty ones too), each policy, training jobs with priorities, preemption, elasticity, repeats and failures, and
/// deployments placed on any pools, served by capacity or request by request. What <c>validate</c> accepts must run to the
/// end and report finite, non-negative figures. <c>CLUSTERSIM_SOAK=N</c> adds N more seeds.
/// </summary>
[Collection(WallClockBound.Name)]
public class ClusterFileSoakTests
{
    private static readonly (string Chip, string Weights, int Tp8b, int Tp70b)[] Pools =
    [
        ("H100-SXM", "fp8", 1, 4), ("A100-80GB", "bf16", 1, 4), ("L40S", "fp8", 1, 4), ("MI300X", "fp8", 1, 2), ("B200", "fp8", 1, 2), ("H200", "fp8", 1, 2),
    ];

    public static TheoryData<int> Seeds() => FileSoak.Seeds(12);

    [Fact]
    public void Most_drawn_files_are_valid() => Assert.InRange(FileSoak.Valid(File, 100), 50, 100);

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_file_that_validates_runs(int seed)
    {
        string text = File(seed);
        if (await FileSoak.Run(text, seed, 120) is not { } run)
        {
            return;
        }

        // And its books hold after every event (every 1,009th past the first 2,000): hours booked to one workload or idle,
        // no pool lending more than it has.
        var simulator = new Simulator();
        var cluster = new ClusterRun(ClusterStudy.Options(run.Experiment.Points[0].Cluster!, seed), simulator);
        var books = new EveryEvent(cluster.AssertInvariants);
        simulator.Trace = books;
        try
        {
            Assert.True(cluster.Run().Conserved, text);
            cluster.AssertInvariants();
        }
        catch (InvalidOperationException e)
        {
            Assert.Fail($"after {books.Count} events: {e.Message}\n{text}");
        }
    }

    /// <summary>Checks after each of the first 2,000 events, then after every 1,009th (a request-by-request fleet fires millions).</summary>
    private sealed class EveryEvent(Action check) : IEventTrace
    {
        public long Count { get; private set; }

        public void Record(in SimEvent simEvent, int priority, long sequence)
        {
            if (Count < 2_000 || Count % 1_009 == 0)
            {
                check();
            }

            Count++;
        }
    }

    /// <summary>Half the time a conditional unit's rule: a length threshold, a queue cap, or both.</summary>
    private static string Conditional(Random conditions) => conditions.Next(6) switch
    {
        0 => string.Create(CultureInfo.InvariantCulture, $", max_local_prefill: {conditions.Next(0, 3000)}"),
        1 => string.Create(CultureInfo.InvariantCulture, $", max_prefill_queue: {conditions.Next(0, 5)}"),
        2 => string.Create(CultureInfo.InvariantCulture, $", max_local_prefill: {conditions.Next(0, 3000)}, max_prefill_queue: {conditions.Next(0, 5)}"),
        _ => string.Empty,
    };

    /// <summary>The cluster experiment of <paramref name="seed"/>, as YAML.</summary>
    internal static string File(int seed)
    {
        var random = new Random(seed);
        var conditions = new Random(seed ^ 0xC0D);   // a request-level unit's conditions: a stream of its own, so the other draws stay the seed's
        T Pick<T>(T[] from) => from[random.Next(from.Length)];
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        string Flag() => random.NextDouble() < 0.5 ? "true" : "false";

        var y = new StringBuilder();
        y.AppendLine(CultureInfo.InvariantCulture, $"name: soak-{seed}");
        y.AppendLine(CultureInfo.InvariantCulture, $"seed: {seed}");
        y.AppendLine("cluster:");
        y.AppendLine(CultureInfo.InvariantCulture, $"  policy: {Pick(new[] { "static", "shared", "harvest" })}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  days: {F(0.25 + random.NextDouble())}");
        y.AppendLine(CultureInfo.InvariantCulture, $"  interval_s: {Pick(new[] { 300, 600, 1800 })}");
        y.AppendLine("  energy: { usd_per_kwh: 0.08, pue: 1.2 }");
        y.AppendLine("  pools:");
        var pools = Pools.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToArray();
        int[] counts = new int[pools.Length];
        for (int i = 0; i < pools.Length; i++)
        {
            int count = counts[i] = random.NextDouble() < 0.15 ? 0 : 8 * random.Next(1, 65);
            y.AppendLine(CultureInfo.InvariantCulture, $"    p{i}: {{ hardware: {pools[i].Chip}, count: {count}, node_size: 8, serving_reserve: {8 * random.Next(0, (count / 8) + 1)}{(pools[i].Chip == "L40S" ? ", price_per_hour: 0.85" : string.Empty)} }}");
        }

        int jobs = random.Next(0, 3);
        if (jobs > 0)
        {
            y.AppendLine("  training:");
        }

        for (int j = 0; j < jobs; j++)
        {
            bool big = random.NextDouble() < 0.4;
            int data = 1 << random.Next(0, 4);
            y.Append(CultureInfo.InvariantCulture, $"    job{j}: {{ pool: p{random.Next(pools.Length)}, model: {(big ? "llama-3.1-70b" : "llama-3.1-8b")}, tokens: {F((big ? 2e10 : 2e9) * (0.2 + random.NextDouble()))}, ");
            y.Append(CultureInfo.InvariantCulture, $"parallelism: {{ tensor: 8, pipeline: {(big ? 2 : 1)}, data: {data} }}, global_batch_tokens: {8192 * data * 16}, sequence_length: 8192, ");
            y.Append(CultureInfo.InvariantCulture, $"priority: {random.Next(0, 3)}, preemptible: {Flag()}, submit_h: {F(random.NextDouble() * 12)}");
            if (random.NextDouble() < 0.3)
            {
                y.Append(CultureInfo.InvariantCulture, $", elastic_max: {8 * (big ? 2 : 1) * data * 2}, elastic_batch: {(random.Next(2) == 0 ? "fixed" : "scaled")}");
                if (data > 1 && !big && random.Next(2) == 0)
                {
                    y.Append(CultureInfo.InvariantCulture, $", elastic_min: {8 * (data / 2)}");   // 8B's shards fit a rank at any data-parallel size here
                }
            }

            if (random.NextDouble() < 0.3)
            {
                y.Append(CultureInfo.InvariantCulture, $", repeat: {{ count: {random.Next(2, 5)}, every_h: {F(2 + (random.NextDouble() * 10))} }}");
            }

            if (random.NextDouble() < 0.5)
            {
                y.Append(CultureInfo.InvariantCulture, $", failures: {{ enabled: true, mtbf_hours: {F(500 + (random.NextDouble() * 50000))}, restart_s: 300 }}, checkpoints: {{ write_s: 20 }}");
            }

            y.AppendLine(" }");
        }

        int deployments = random.Next(0, 3);
        if (deployments == 0 && jobs == 0)
        {
            deployments = 1;
        }

        if (deployments > 0)
        {
            y.AppendLine("  deployments:");
        }

        for (int d = 0; d < deployments; d++)
        {
            bool big = random.NextDouble() < 0.3;
            bool requests = random.NextDouble() < 0.3;   // served request by request: its cost grows with the demand, kept small
            y.AppendLine(CultureInfo.InvariantCulture, $"    serve{d}:");
            y.AppendLine(CultureInfo.InvariantCulture, $"      model: {(big ? "llama-3.1-70b" : "llama-3.1-8b")}");
            y.AppendLine(CultureInfo.InvariantCulture, $"      demand: {{ output_tokens_per_day: {F((big ? 2e8 : 1e9) * (requests ? 0.1 : 1) * (0.05 + random.NextDouble()))}, monthly_growth: {F(random.NextDouble() * 0.3)}, diurnal_amplitude: {F(random.NextDouble() * 0.9)} }}");
            y.AppendLine(CultureInfo.InvariantCulture, $"      headroom: {F(random.NextDouble() * 0.4)}");
            y.AppendLine(CultureInfo.InvariantCulture, $"      cold_start_s: {random.Next(30, 900)}");
            y.AppendLine(CultureInfo.InvariantCulture, $"      min_replicas: {random.Next(0, 3)}");
            y.AppendLine("      slo: { ttft_s: 2.0, tpot_s: 0.1 }");
            y.AppendLine("      prompt_tokens: { kind: lognormal, mean: 512, median: 300, max: 4096 }");
            y.AppendLine("      output_tokens: { kind: lognormal, mean: 128, median: 90, max: 1024 }");
            y.AppendLine("      cell_requests: 200");
            if (requests)
            {
                y.AppendLine(CultureInfo.InvariantCulture, $"      fidelity: requests");
                y.AppendLine(CultureInfo.InvariantCulture, $"      router: {Pick(new[] { "least-outstanding", "round-robin", "kv-aware" })}");
            }

            y.AppendLine("      placements:");
            if (requests && pools.Length > 1 && random.NextDouble() < 0.3)
            {
                // Request by request, a unit of prefill and decode replicas, alone or beside single replicas on its decode
                // pool (draws only request-level deployments make, so the others' files are as before).
                int here = random.Next(pools.Length), other = (here + random.Next(1, pools.Length)) % pools.Length;
                var (prefillPool, decodePool) = (pools[here], pools[other]);
                y.AppendLine(CultureInfo.InvariantCulture,
                    $"        p{here}: {{ tensor_parallel: {(big ? prefillPool.Tp70b : prefillPool.Tp8b)}, weights: {prefillPool.Weights}, kv_cache: {prefillPool.Weights}, disaggregation: {{ prefill_replicas: {random.Next(1, 3)}, decode_replicas: {random.Next(1, 4)}, decode_pool: p{other}, kv_link_gb_s: 25{Conditional(conditions)}, decode: {{ tensor_parallel: {(big ? decodePool.Tp70b : decodePool.Tp8b)}, weights: {decodePool.Weights}, kv_cache: {decodePool.Weights} }} }} }}");
                if (random.NextDouble() < 0.5)
                {
                    y.AppendLine(CultureInfo.InvariantCulture, $"        p{other}: {{ tensor_parallel: {(big ? decodePool.Tp70b : decodePool.Tp8b)}, weights: {decodePool.Weights}, kv_cache: {decodePool.Weights} }}");
                }

                continue;
            }

            foreach (var (pool, index) in pools.Select((p, i) => (p, i)).Where(_ => random.NextDouble() < 0.7).DefaultIfEmpty((pools[0], 0)))
            {
                string split = string.Empty;
                if (!requests && pools.Length > 1 && random.NextDouble() < 0.3)
                {
                    // A unit of prefill replicas here and decode replicas on another pool (perhaps an empty one).
                    int other = (index + random.Next(1, pools.Length)) % pools.Length;
                    var decode = pools[other];
                    split = $", disaggregation: {{ prefill_replicas: {random.Next(1, 3)}, decode_replicas: {random.Next(1, 4)}, decode_pool: p{other}, kv_link_gb_s: 25, decode: {{ tensor_parallel: {(big ? decode.Tp70b : decode.Tp8b)}, weights: {decode.Weights}, kv_cache: {decode.Weights} }} }}";
                }

                y.AppendLine(CultureInfo.InvariantCulture, $"        p{index}: {{ tensor_parallel: {(big ? pool.Tp70b : pool.Tp8b)}, weights: {pool.Weights}, kv_cache: {pool.Weights}{split} }}");
            }
        }

        // Planned maintenance on a pool, request-level fleets' too (drawn last, so the rest of each seed's file is as before).
        int[] maintainable = [.. Enumerable.Range(0, pools.Length).Where(i => counts[i] > 0)];
        if (maintainable.Length > 0 && random.NextDouble() < 0.4)
        {
            int target = Pick(maintainable);
            y.AppendLine("  maintenance:");
            y.AppendLine(CultureInfo.InvariantCulture, $"    window: {{ pool: p{target}, accelerators: {8 * random.Next(1, (counts[target] / 8) + 1)}, start_h: {F(random.NextDouble() * 6)}, hours: {F(0.5 + (random.NextDouble() * 4))}, every_h: {Pick(new[] { 0, 8, 12 })} }}");
        }

        return y.ToString();
    }
}
