using ClusterSim.Core.Cluster;
using ClusterSim.Core.Inference;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Studies;

namespace ClusterSim.Experiments.Tests.Files;

public class ClusterSectionTests
{
    internal const string Valid = """
        name: tiny-cluster
        cluster:
          policy: harvest
          days: 2
          pools:
            gpus: { hardware: H100-SXM, count: 64, serving_reserve: 16 }
            cheap: { hardware: L40S, count: 16, price_per_hour: 0.85 }
          training:
            pretrain:
              pool: gpus
              model: llama-3.1-8b
              tokens: 2e10
              global_batch_tokens: 8388608
              sequence_length: 8192
              parallelism: { tensor: 8, data: 4 }
              checkpoints: { write_s: 30, interval_s: 1800 }
              failures: { enabled: false, restart_s: 300 }
              elastic_max: 48
            tune:
              pool: gpus
              model: llama-3.1-8b
              tokens: 1e9
              global_batch_tokens: 1048576
              sequence_length: 8192
              parallelism: { tensor: 8, data: 1 }
              priority: 1
              submit_h: 2
              repeat: { count: 3, every_h: 12 }
          deployments:
            chat:
              model: llama-3.1-8b
              demand: { output_tokens_per_day: 2e9, diurnal_amplitude: 0.5 }
              slo: { ttft_s: 2, tpot_s: 0.1 }
              cell_requests: 400
              placements:
                gpus: { weights: fp8, kv_cache: fp8 }
                cheap: { weights: fp8, kv_cache: fp8 }
        """;

    private static ExperimentException Problems(string yaml) => Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(yaml, "cluster.yaml"));

    [Fact]
    public void A_pool_problem_does_not_hide_the_jobs_or_claim_there_are_none()
    {
        // Found by ClusterFileSoakTests: any earlier problem made every job read as missing, and the file was told to
        // "place at least one workload" beside the one real problem (a pool without a price).
        string unpriced = Valid.Replace("cheap: { hardware: L40S, count: 16, price_per_hour: 0.85 }", "cheap: { hardware: A10, count: 16 }", StringComparison.Ordinal);
        ExperimentProblem only = Assert.Single(Problems(unpriced).Problems);
        Assert.Equal("cluster.pools.cheap.price_per_hour", only.Path);

        // A job's own problem is still found with the pool's.
        string both = unpriced.Replace("parallelism: { tensor: 8, data: 4 }", "parallelism: { tensor: 7, data: 4 }", StringComparison.Ordinal);
        Assert.Equal(["cluster.pools.cheap.price_per_hour", "cluster.training.pretrain"], Problems(both).Problems.Select(p => p.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_cluster_binds_pools_jobs_streams_and_placements_with_their_calibrations_named()
    {
        Experiment experiment = ExperimentLoader.Parse(Valid, "cluster.yaml");
        ClusterSpec spec = experiment.Points[0].Cluster!;

        Assert.Equal(StudyKind.Cluster, experiment.Points[0].Study.Kind);
        Assert.Equal(ClusterPolicy.Harvest, spec.Policy);
        Assert.Equal(2 * 86_400, spec.HorizonSeconds);
        Assert.Equal(["gpus", "cheap"], spec.Pools.Select(p => p.Name));
        Assert.Equal(2.35, spec.Pools[0].PricePerHour);          // the catalog's H100 price
        Assert.Equal(["pretrain", "tune-1", "tune-2", "tune-3"], spec.Jobs.Select(j => j.Name));
        Assert.All(spec.Jobs.Skip(1), j => Assert.Equal("tune", j.Stream));
        Assert.Equal([2 * 3600.0, 14 * 3600.0, 26 * 3600.0], spec.Jobs.Skip(1).Select(j => j.SubmitSeconds));
        Assert.Equal("H100-SXM", spec.Jobs[0].Job.Accelerator.Id);
        Assert.Equal(["gpus", "cheap"], spec.Deployments[0].Placements.Select(p => p.Pool));
        Assert.Equal("L40S", spec.Deployments[0].Placements[1].Cell.Replicas[0].Deployment.Accelerator.Id);
        Assert.Contains(experiment.Calibrations, c => c.StartsWith("warning: L40S", StringComparison.Ordinal));
        Assert.Contains("  policy: harvest", experiment.ResolvedText, StringComparison.Ordinal);
        Assert.Contains("    tune:\n      pool: gpus\n      submit_h: 2\n", experiment.ResolvedText, StringComparison.Ordinal);   // the stream, with its repeat
        Assert.Contains("      repeat: { count: 3, every_h: 12 }", experiment.ResolvedText, StringComparison.Ordinal);
        Assert.Equal(spec.Jobs.Select(j => (j.Name, j.SubmitSeconds)), ExperimentLoader.Parse(experiment.ResolvedText, "resolved.yaml").Points[0].Cluster!.Jobs.Select(j => (j.Name, j.SubmitSeconds)));
    }

    [Fact]
    public void A_job_on_a_pool_whose_chip_has_no_catalog_price_resolves_to_a_file_that_loads()
    {
        // Found by ClusterFileSoakTests (seed 181 of 300): the job, paid for by its pool, wrote "price_per_hour: NaN".
        string onL40S = Valid.Replace("    tune:\n      pool: gpus", "    tune:\n      pool: cheap", StringComparison.Ordinal);
        Experiment experiment = ExperimentLoader.Parse(onL40S, "cluster.yaml");
        Assert.Equal("L40S", experiment.Points[0].Cluster!.Jobs[1].Job.Accelerator.Id);
        Assert.DoesNotContain("NaN", experiment.ResolvedText, StringComparison.Ordinal);
        Assert.Equal(
            experiment.Points[0].Cluster!.Jobs.Select(j => (j.Name, j.Pool)),
            ExperimentLoader.Parse(experiment.ResolvedText, "resolved.yaml").Points[0].Cluster!.Jobs.Select(j => (j.Name, j.Pool)));
    }

    [Fact]
    public void A_small_cluster_runs_and_conserves_its_hours()
    {
        Experiment experiment = ExperimentLoader.Parse(Valid, "cluster.yaml");
        var result = (ClusterResult)experiment.Points[0].Study.Run(experiment.Points[0], double.NaN, seed: 3, share: null);

        Assert.True(result.Conserved);
        Assert.Equal(4, result.Jobs.Count(j => double.IsFinite(j.Seconds)));
        Assert.InRange(result.Deployment("chat").SloAttainment, 0.99, 1);
        Assert.Contains(result.Scalars(), s => s.Name == "job.tune.finished" && s.Value == 3);
    }

    [Fact]
    public void An_elastic_jobs_batch_is_fixed_unless_scaled_and_a_size_its_batch_cannot_feed_is_refused_at_its_line()
    {
        Experiment fixedBatch = ExperimentLoader.Parse(Valid, "cluster.yaml");
        Assert.Equal(ElasticBatch.Fixed, fixedBatch.Points[0].Cluster!.Jobs[0].ElasticBatch);
        Assert.Contains("      elastic_max: 48\n      elastic_min: 0\n      elastic_batch: fixed\n", fixedBatch.ResolvedText, StringComparison.Ordinal);

        string scaled = Valid.Replace("elastic_max: 48", "elastic_max: 48\n      elastic_batch: scaled", StringComparison.Ordinal);
        Experiment experiment = ExperimentLoader.Parse(scaled, "cluster.yaml");
        Assert.Equal(ElasticBatch.Scaled, experiment.Points[0].Cluster!.Jobs[0].ElasticBatch);
        Assert.Equal(ElasticBatch.Scaled, ExperimentLoader.Parse(experiment.ResolvedText, "resolved.yaml").Points[0].Cluster!.Jobs[0].ElasticBatch);

        ExperimentProblem wrong = Assert.Single(Problems(scaled.Replace("elastic_batch: scaled", "elastic_batch: grown", StringComparison.Ordinal)).Problems);
        Assert.Equal("cluster.training.pretrain.elastic_batch", wrong.Path);
        Assert.Contains("fixed", wrong.Message, StringComparison.Ordinal);

        // 1,024 sequences of 8,192 a step feed at most 1,024 replicas of 8 a micro-batch each.
        string huge = Valid.Replace("count: 64, serving_reserve: 16", "count: 16384, serving_reserve: 16", StringComparison.Ordinal).Replace("elastic_max: 48", "elastic_max: 8200", StringComparison.Ordinal);
        ExperimentProblem refused = Assert.Single(Problems(huge).Problems);
        Assert.Equal("cluster.training.pretrain.elastic_max", refused.Path);
        Assert.Equal(18, refused.Line);
        Assert.Contains("elastic_max 8200 runs 1025 data-parallel replicas, but a fixed global batch of 1024 sequences gives at most 1024 of them a micro-batch of 1 (at most 8192 accelerators", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_jobs_elastic_min_reads_resolves_and_is_refused_at_its_line_when_above_its_gang()
    {
        string shrinking = Valid.Replace("elastic_max: 48", "elastic_max: 48\n      elastic_min: 16", StringComparison.Ordinal);
        Experiment experiment = ExperimentLoader.Parse(shrinking, "cluster.yaml");
        Assert.Equal(16, experiment.Points[0].Cluster!.Jobs[0].ElasticFloor);
        Assert.Equal(8, experiment.Points[0].Cluster!.Jobs[1].ElasticFloor);   // none given: its gang
        Assert.Equal(16, ExperimentLoader.Parse(experiment.ResolvedText, "resolved.yaml").Points[0].Cluster!.Jobs[0].ElasticMinAccelerators);

        ExperimentProblem refused = Assert.Single(Problems(shrinking.Replace("elastic_min: 16", "elastic_min: 40", StringComparison.Ordinal)).Problems);
        Assert.Equal("cluster.training.pretrain.elastic_min", refused.Path);
        Assert.Equal(19, refused.Line);
        Assert.Contains("elastic_min must be at most its 32 accelerators", refused.Message, StringComparison.Ordinal);
    }

    private const string Split = """
        name: split-cluster
        cluster:
          policy: shared
          days: 1
          pools:
            h100: { hardware: H100-SXM, count: 32 }
            h200: { hardware: H200, count: 64 }
          training: {}
          deployments:
            chat:
              model: llama-3.1-8b
              demand: { output_tokens_per_day: 2e8, diurnal_amplitude: 0.5 }
              slo: { ttft_s: 2, tpot_s: 0.1 }
              cell_requests: 300
              placements:
                h100:
                  weights: fp8
                  kv_cache: fp8
                  disaggregation: { prefill_replicas: 1, decode_replicas: 2, decode_pool: h200, decode: { weights: fp8, kv_cache: fp8 } }
        """;

    [Fact]
    public void A_disaggregated_placement_reads_as_a_unit_of_prefill_and_decode_replicas_and_resolves_to_a_file_that_loads()
    {
        Experiment experiment = ExperimentLoader.Parse(Split, "cluster.yaml");
        (string pool, ServingPoint cell, string? decodePool) = experiment.Points[0].Cluster!.Deployments[0].Placements[0];

        Assert.Equal(("h100", "h200"), (pool, decodePool));
        Assert.Equal(1, cell.Disaggregation!.PrefillReplicas);
        Assert.Equal([("H100-SXM", 1), ("H200", 2)], cell.Replicas.Select(g => (g.Deployment.Accelerator.Id, g.Count)));
        Assert.True(cell.Disaggregation.KvLinkGBps > 0);

        Experiment again = ExperimentLoader.Parse(experiment.ResolvedText, "resolved.yaml");
        (string pool2, ServingPoint cell2, string? decodePool2) = again.Points[0].Cluster!.Deployments[0].Placements[0];
        Assert.Equal((pool, decodePool, cell.Disaggregation), (pool2, decodePool2, cell2.Disaggregation));
        Assert.Equal(cell.Replicas.Select(g => (g.Deployment.Accelerator.Id, g.Count, g.Deployment.Weights)), cell2.Replicas.Select(g => (g.Deployment.Accelerator.Id, g.Count, g.Deployment.Weights)));
    }

    [Fact]
    public void A_split_placement_without_its_decode_fields_decodes_in_the_placements_own_on_the_decode_pools_accelerators()
    {
        // Not BF16 at one accelerator by default: the decode replicas take the placement's FP8 weights and KV cache.
        string yaml = Split.Replace(", decode: { weights: fp8, kv_cache: fp8 } }", " }", StringComparison.Ordinal);
        Assert.DoesNotContain("decode: {", yaml, StringComparison.Ordinal);
        ServingPoint cell = ExperimentLoader.Parse(yaml, "cluster.yaml").Points[0].Cluster!.Deployments[0].Placements[0].Cell;
        ReplicaGroup decode = cell.Replicas[1];
        Assert.Equal(("H200", 2), (decode.Deployment.Accelerator.Id, decode.Count));
        Assert.Equal(cell.Replicas[0].Deployment.Weights, decode.Deployment.Weights);
        Assert.Equal(cell.Replicas[0].Deployment.KvCache, decode.Deployment.KvCache);
        Assert.Equal(cell.Replicas[0].Deployment.TensorParallel, decode.Deployment.TensorParallel);
    }

    /// <summary>Runs <paramref name="yaml"/>'s split cluster and checks that every unit held one H100 and two H200 at every row.</summary>
    private static ClusterResult UnitsOnBothPools(string yaml)
    {
        Experiment experiment = ExperimentLoader.Parse(yaml, "cluster.yaml");
        var result = (ClusterResult)experiment.Points[0].Study.Run(experiment.Points[0], double.NaN, seed: 3, share: null);
        double[] prefill = [.. result.Series.Column("pool.h100.chat").Values];
        double[] decode = [.. result.Series.Column("pool.h200.chat").Values];
        Assert.True(prefill.Max() > 0);
        Assert.All(prefill.Zip(decode), pair => Assert.Equal(2 * pair.First, pair.Second));
        return result;
    }

    [Fact]
    public void A_disaggregated_fleet_holds_twice_the_decode_pools_accelerators_and_conserves_its_hours()
    {
        ClusterResult result = UnitsOnBothPools(Split);
        Assert.InRange(result.Deployment("chat").SloAttainment, 0.99, 1);
        Assert.True(result.Conserved);
    }

    [Fact]
    public void A_split_placements_unknown_decode_pool_is_refused_at_its_line()
    {
        ExperimentException unknown = Problems(Split.Replace("decode_pool: h200", "decode_pool: h2OO", StringComparison.Ordinal));
        ExperimentProblem pool = Assert.Single(unknown.Problems);
        Assert.Equal("cluster.deployments.chat.placements.h100.disaggregation.decode_pool", pool.Path);
        Assert.Equal(19, pool.Line);
    }

    [Fact]
    public void A_request_level_split_serves_beside_a_colocated_placement_each_on_its_own_pools()
    {
        // Units of one H100 prefill and two H200 decode replicas beside single H200 replicas on a pool of one: the
        // autoscaler takes the single replica first (cheaper a token) and units for the rest of a demand it cannot hold.
        string mixed = Split
            .Replace("days: 1", "days: 0.05\n  interval_s: 300", StringComparison.Ordinal)
            .Replace("h200: { hardware: H200, count: 64 }", "h200: { hardware: H200, count: 64 }\n    spare: { hardware: H200, count: 1 }", StringComparison.Ordinal)
            .Replace("output_tokens_per_day: 2e8", "output_tokens_per_day: 2e9", StringComparison.Ordinal)
            .Replace("      cell_requests: 300", "      cell_requests: 300\n      fidelity: requests", StringComparison.Ordinal)
            + "\n        spare: { weights: fp8, kv_cache: fp8 }";
        ClusterResult result = UnitsOnBothPools(mixed);
        Assert.True(result.Series.Column("pool.spare.chat").Values.Max() > 0, "the single replica served");
        RequestCounts counts = result.Deployment("chat").Requests!;
        Assert.True(counts.Completed > 100_000, $"{counts.Completed} requests completed");
        Assert.Equal(counts.Arrived, counts.Completed + counts.Dropped + counts.InFlight);
        Assert.True(result.Conserved);
    }

    [Fact]
    public void A_request_level_split_serves_whole_units_request_by_request_on_both_pools()
    {
        // The split placement alone, request by request: the fleet adds units of one H100 prefill replica and two H200
        // decode replicas, every request crossing from one to the other, the books and series as at the capacity level.
        string requests = Split.Replace("      cell_requests: 300", "      cell_requests: 300\n      fidelity: requests", StringComparison.Ordinal)
            .Replace("output_tokens_per_day: 2e8", "output_tokens_per_day: 2e7", StringComparison.Ordinal);
        ClusterResult result = UnitsOnBothPools(requests);
        RequestCounts counts = result.Deployment("chat").Requests!;
        Assert.True(counts.Completed > 1000, $"{counts.Completed} requests completed");
        Assert.Equal(counts.Arrived, counts.Completed + counts.Dropped + counts.InFlight);
        Assert.InRange(result.Deployment("chat").SloAttainment, 0.95, 1);
        Assert.True(result.Conserved);
        Assert.Null(counts.PrefilledLocally);   // units that always hand off report no share
    }

    [Fact]
    public void A_conditional_split_placement_reads_its_conditions_resolves_them_refuses_bad_ones_at_their_line_and_serves_request_by_request()
    {
        string conditional = Split.Replace("decode_pool: h200,", "decode_pool: h200, max_local_prefill: 1000, max_prefill_queue: 2,", StringComparison.Ordinal);
        Experiment experiment = ExperimentLoader.Parse(conditional, "cluster.yaml");
        Disaggregation split = experiment.Points[0].Cluster!.Deployments[0].Placements[0].Cell.Disaggregation!;
        Assert.Equal((1000, (int?)2), (split.MaxLocalPrefillTokens, split.MaxPrefillQueue));
        Assert.Contains("max_local_prefill: 1000, max_prefill_queue: 2", experiment.ResolvedText, StringComparison.Ordinal);
        Assert.Equal(split, ExperimentLoader.Parse(experiment.ResolvedText, "resolved.yaml").Points[0].Cluster!.Deployments[0].Placements[0].Cell.Disaggregation);
        Assert.False(ExperimentLoader.Parse(Split, "cluster.yaml").Points[0].Cluster!.Deployments[0].Placements[0].Cell.Disaggregation!.IsConditional);

        ExperimentProblem negative = Assert.Single(Problems(conditional.Replace("max_prefill_queue: 2", "max_prefill_queue: -2", StringComparison.Ordinal)).Problems);
        Assert.Equal(("cluster.deployments.chat.placements.h100.disaggregation.max_prefill_queue", 19), (negative.Path, negative.Line));

        ClusterResult result = UnitsOnBothPools(conditional.Replace("      cell_requests: 300", "      cell_requests: 300\n      fidelity: requests", StringComparison.Ordinal)
            .Replace("output_tokens_per_day: 2e8", "output_tokens_per_day: 2e7", StringComparison.Ordinal));
        RequestCounts counts = result.Deployment("chat").Requests!;
        Assert.True(counts.Completed > 1000, $"{counts.Completed} requests completed");
        Assert.Equal(counts.Arrived, counts.Completed + counts.Dropped + counts.InFlight);
        Assert.True(result.Conserved);
        // The share its units prefilled where they decode is reported (the prompts' median is below the threshold).
        Assert.InRange(counts.PrefilledLocally!.Value, 0.2, 1);
        Assert.Contains(result.Scalars(), s => s.Name == "deployment.chat.prefilled_locally" && s.Value == counts.PrefilledLocally);
    }

    [Fact]
    public void Wrong_references_and_a_missing_price_are_reported_with_their_lines()
    {
        string yaml = Valid
            .Replace("cheap: { hardware: L40S, count: 16, price_per_hour: 0.85 }", "cheap: { hardware: A10, count: 16 }", StringComparison.Ordinal)
            .Replace("      pool: gpus\n      model: llama-3.1-8b\n      tokens: 2e10", "      pool: gpu\n      model: llama-3.1-8b\n      tokens: 2e10", StringComparison.Ordinal)
            .Replace("        cheap: { weights: fp8, kv_cache: fp8 }", "        cheep: { weights: fp8, kv_cache: fp8 }", StringComparison.Ordinal);
        ExperimentException e = Problems(yaml);

        Assert.Contains(e.Problems, p => p.Path == "cluster.pools.cheap.price_per_hour" && p.Message.Contains("A10 has no price", StringComparison.Ordinal) && p.Line == 7);
        Assert.Contains(e.Problems, p => p.Path == "cluster.training.pretrain.pool" && p.Message.Contains("no pool named 'gpu' — did you mean 'gpus'?", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Path == "cluster.deployments.chat.placements.cheep" && p.Message.Contains("no pool named 'cheep'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(8, 8, true)]
    [InlineData(16, 8, true)]    // two whole nodes: tensor parallelism over the network
    [InlineData(12, 8, false)]   // a node and a half
    [InlineData(8, 4, true)]
    [InlineData(3, 4, true)]
    public void A_replica_fits_a_node_or_fills_whole_ones(int accelerators, int nodeSize, bool holds) =>
        Assert.Equal(holds, AcceleratorPool.HoldsReplica(nodeSize, accelerators));

    [Fact]
    public void A_placement_over_two_nodes_loads_and_says_its_network()
    {
        Experiment two = ExperimentLoader.Parse(Valid.Replace("gpus: { weights: fp8, kv_cache: fp8 }", "gpus: { tensor_parallel: 16, weights: fp8, kv_cache: fp8 }", StringComparison.Ordinal), "cluster.yaml");
        Assert.Contains(two.Calibrations, c => c.StartsWith("warning: H100-SXM: tensor_parallel 16 spans 2 scale-up domains of 8", StringComparison.Ordinal));

        // A pool of 4-GPU nodes takes a replica of 8 (two nodes), not one of 6; its node size is not the H100's
        // 8-GPU domain that times the replicas, which is said. Omitted, a pool's node is its chip's domain.
        string small = Valid.Replace("gpus: { hardware: H100-SXM, count: 64, serving_reserve: 16 }", "gpus: { hardware: H100-SXM, count: 64, node_size: 4, serving_reserve: 16 }", StringComparison.Ordinal);
        _ = ExperimentLoader.Parse(small.Replace("gpus: { weights: fp8, kv_cache: fp8 }", "gpus: { tensor_parallel: 8, weights: fp8, kv_cache: fp8 }", StringComparison.Ordinal), "cluster.yaml");
        ExperimentException six = Problems(small.Replace("gpus: { weights: fp8, kv_cache: fp8 }", "gpus: { tensor_parallel: 2, pipeline_parallel: 3, weights: fp8, kv_cache: fp8 }", StringComparison.Ordinal));
        Assert.Contains(six.Problems, p => p.Message == "a replica of 6 accelerators neither fits a node of 4 nor fills whole nodes");
        Experiment fours = ExperimentLoader.Parse(small, "cluster.yaml");
        Assert.Contains("warning: cluster.pools.gpus.node_size: 4 accelerators a node, but H100-SXM's scale-up domain in the catalog is 8: serving replicas' collectives are timed on the catalog's domain (its link within 8, the network beyond)", fours.Calibrations);
        Experiment plain = ExperimentLoader.Parse(Valid, "cluster.yaml");
        Assert.DoesNotContain(plain.Calibrations, c => c.Contains("node_size", StringComparison.Ordinal));
        Assert.Equal(8, plain.Points[0].Cluster!.Pools.Single(p => p.Name == "gpus").NodeSize);
    }

    [Fact]
    public void A_cluster_stands_alone_and_a_gang_larger_than_training_can_have_is_refused()
    {
        ExperimentException mixed = Problems(Valid + "\nserving: { model: llama-3.1-8b, hardware: H100-SXM }\n");
        Assert.Contains(mixed.Problems, p => p.Path == "serving" && p.Message.Contains("inside 'cluster'", StringComparison.Ordinal));

        ExperimentException big = Problems(Valid.Replace("policy: harvest", "policy: static", StringComparison.Ordinal).Replace("data: 4 }", "data: 8 }", StringComparison.Ordinal).Replace("elastic_max: 48", "elastic_max: 64", StringComparison.Ordinal));
        Assert.Contains(big.Problems, p => p.Message.Contains("needs 64 accelerators at once but pool gpus has 48 for training", StringComparison.Ordinal));
    }

    [Fact]
    public void A_sweep_reaches_into_named_pools()
    {
        string yaml = Valid + "\nsweep:\n  parameters:\n    cluster.pools.gpus.count: [64, 128]\n";
        Experiment experiment = ExperimentLoader.Parse(yaml, "cluster.yaml");
        Assert.Equal([64, 128], experiment.Points.Select(p => p.Cluster!.Pools[0].Count));
    }
}
