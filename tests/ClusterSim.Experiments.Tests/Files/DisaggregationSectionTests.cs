using ClusterSim.Core.Inference;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Studies;

namespace ClusterSim.Experiments.Tests.Files;

public class DisaggregationSectionTests
{
    private static string Yaml(string decode) => ExperimentLoaderTests.Valid
        .Replace("  scheduler: { kind: chunked-prefill, max_sequences: 64 }", $"  scheduler: {{ kind: chunked-prefill, max_sequences: 64 }}\n  replicas: 4\n  disaggregation: {{ prefill_replicas: 1{decode} }}", StringComparison.Ordinal)
        .Replace("    serving.scheduler.kind: [continuous, static]\n", string.Empty, StringComparison.Ordinal);

    [Fact]
    public void A_decode_pool_on_other_hardware_is_a_second_replica_group_after_the_prefill_pool()
    {
        ExperimentPoint point = ExperimentLoader.Parse(Yaml(", decode: { hardware: H200, tensor_parallel: 2 }"), "pd.yaml").Points[0];
        IReadOnlyList<ReplicaGroup> groups = point.Serving!.Replicas;

        Assert.Equal(2, groups.Count);
        Assert.Equal(("H100-SXM", 1, 1), (groups[0].Deployment.Accelerator.Id, groups[0].Count, groups[0].Deployment.TensorParallel));
        Assert.Equal(("H200", 3, 2), (groups[1].Deployment.Accelerator.Id, groups[1].Count, groups[1].Deployment.TensorParallel));
        Assert.Equal("llama-3.1-8b", groups[1].Deployment.Model.Id);

        var result = (ServingResult)point.Study.Run(point, 10, seed: 2, share: null);
        Assert.True(result.Conserved);
        Assert.Equal(1 + (3 * 2), result.Accelerators);
    }

    [Fact]
    public void Without_a_decode_shape_both_pools_share_the_serving_hardware_and_another_model_is_refused()
    {
        Assert.Single(ExperimentLoader.Parse(Yaml(string.Empty), "pd.yaml").Points[0].Serving!.Replicas);

        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Yaml(", decode: { model: llama-3.1-70b, hardware: H200, tensor_parallel: 2 }"), "pd.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "serving.disaggregation.decode.model" && p.Message.Contains("same model (llama-3.1-8b)", StringComparison.Ordinal));
    }

    /// <summary>
    /// Between accelerator types the KV cache crosses the slower pool's network link; a pool whose accelerator has no
    /// scale-out bandwidth in the catalog needs the link named (it was 50 GB/s, unsaid, for L40S, L4, A10 and the PCIe cards).
    /// </summary>
    [Fact]
    public void The_link_is_the_slower_pools_and_one_the_catalog_does_not_know_must_be_named()
    {
        Disaggregation mixed = ExperimentLoader.Parse(Yaml(", decode: { hardware: V100-SXM2-32GB }"), "pd.yaml").Points[0].Serving!.Disaggregation!;
        Assert.Equal(Math.Min(SimCatalogChip("H100-SXM"), SimCatalogChip("V100-SXM2-32GB")), mixed.KvLinkGBps);

        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Yaml(", decode: { hardware: L40S, weights: fp8, kv_cache: fp8 }"), "pd.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "serving.disaggregation.kv_link_gb_s" && p.Message.StartsWith("L40S has no scale-out bandwidth", StringComparison.Ordinal));

        Disaggregation named = ExperimentLoader.Parse(Yaml(", kv_link_gb_s: 25, decode: { hardware: L40S, weights: fp8, kv_cache: fp8 }"), "pd.yaml").Points[0].Serving!.Disaggregation!;
        Assert.Equal(25, named.KvLinkGBps);
    }

    [Fact]
    public void Within_one_scale_up_domain_the_KV_cache_crosses_the_scale_up_link_of_each_sending_accelerator()
    {
        // Four H100 replicas in one eight-GPU node: NVLink, not the network (Disaggregation.DefaultLink, as replay takes it).
        Disaggregation node = ExperimentLoader.Parse(Yaml(string.Empty), "pd.yaml").Points[0].Serving!.Disaggregation!;
        Assert.Equal(ClusterSim.Core.Catalog.SimCatalog.Default.Hardware.Get("H100-SXM").ScaleUpGBps!.Value, node.KvLinkGBps);

        // Another accelerator type: the network, over as many links as the smaller replica has accelerators (the TP 1
        // prefill replica's one).
        Disaggregation mixed = ExperimentLoader.Parse(Yaml(", decode: { hardware: H200, tensor_parallel: 2 }"), "pd.yaml").Points[0].Serving!.Disaggregation!;
        Assert.Equal(Math.Min(SimCatalogChip("H100-SXM"), SimCatalogChip("H200")), mixed.KvLinkGBps);
    }

    [Fact]
    public void Conditional_disaggregation_reads_its_two_conditions_writes_them_back_and_refuses_bad_ones()
    {
        Experiment experiment = ExperimentLoader.Parse(Yaml(", max_local_prefill: 1000, max_prefill_queue: 2"), "pd.yaml");
        Disaggregation split = experiment.Points[0].Serving!.Disaggregation!;
        Assert.Equal((1000, (int?)2), (split.MaxLocalPrefillTokens, split.MaxPrefillQueue));
        Assert.Contains("max_local_prefill: 1000, max_prefill_queue: 2", experiment.ResolvedText, StringComparison.Ordinal);
        Assert.Equal(experiment.ResolvedText, ExperimentLoader.Parse(experiment.ResolvedText, "again.yaml").ResolvedText);

        // Neither given (or the queue at 0, no limit): every prompt goes to a prefill replica, and nothing extra is written.
        Experiment plain = ExperimentLoader.Parse(Yaml(", max_prefill_queue: 0"), "pd.yaml");
        Assert.False(plain.Points[0].Serving!.Disaggregation!.IsConditional);
        Assert.DoesNotContain("max_", plain.ResolvedText.Split('\n').Single(l => l.Contains("disaggregation:", StringComparison.Ordinal)), StringComparison.Ordinal);

        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Yaml(", max_local_prefill: -5, max_prefill_queue: 1.5"), "pd.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "serving.disaggregation.max_local_prefill" && p.Line > 0);
        Assert.Contains(e.Problems, p => p.Path == "serving.disaggregation.max_prefill_queue" && p.Line > 0);

        var run = (ServingResult)experiment.Points[0].Study.Run(experiment.Points[0], 40, seed: 2, share: null);
        Assert.True(run.Conserved);
        Assert.Contains(run.Scalars(), s => s.Name == "prefilled_locally");
    }

    [Fact]
    public void TensorRT_LLMs_rule_reads_writes_back_and_is_refused_without_a_threshold()
    {
        Experiment experiment = ExperimentLoader.Parse(Yaml(", max_local_prefill: 1000, local_needs_cache_hit: true"), "pd.yaml");
        Assert.True(experiment.Points[0].Serving!.Disaggregation!.LocalNeedsCacheHit);
        Assert.Contains("max_local_prefill: 1000, local_needs_cache_hit: true", experiment.ResolvedText, StringComparison.Ordinal);
        Assert.Equal(experiment.ResolvedText, ExperimentLoader.Parse(experiment.ResolvedText, "again.yaml").ResolvedText);

        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Yaml(", local_needs_cache_hit: true"), "pd.yaml"));
        ExperimentProblem alone = Assert.Single(e.Problems);
        Assert.Equal("serving.disaggregation.local_needs_cache_hit", alone.Path);
        Assert.True(alone.Line > 0);
        Assert.Contains("give max_local_prefill too", alone.Message, StringComparison.Ordinal);
    }

    private static double SimCatalogChip(string id) => ClusterSim.Core.Catalog.SimCatalog.Default.Hardware.Get(id).ScaleOutGBps!.Value;
}
