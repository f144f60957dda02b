using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// Collectives of a tensor-parallel group wider than its scale-up domain (DeepSeek-R1 on two HGX H100 nodes, TP 16): a
/// ring inside each domain on the scale-up link and a ring of each rank's share between the domains on the network.
/// </summary>
public class CollectiveAcrossDomainsTests
{
    private const double Up = 450e9, Out = 25e9, UpStep = 2e-6, OutStep = Collective.NetworkStepLatencySeconds;

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public void Within_one_domain_they_are_the_ring_and_the_plain_all_to_all(int ranks)
    {
        Assert.Equal(Collective.AllReduce(CollectiveAlgorithm.Ring, 1e6, ranks, Up, UpStep), Collective.AllReduceAcrossDomains(1e6, ranks, 8, Up, Out, UpStep, OutStep));
        Assert.Equal(Collective.AllToAll(1e6, ranks, Up, UpStep), Collective.AllToAllAcrossDomains(1e6, ranks, 8, Up, Out, UpStep, OutStep));
    }

    [Fact]
    public void Across_two_domains_an_all_reduce_adds_a_network_ring_of_an_eighth_of_the_buffer()
    {
        // 16 ranks in two domains of 8: 2·7 steps and 2·7/8 of the buffer on NVLink, then 2·1 network steps carrying
        // half of each rank's eighth.
        double bytes = 7168 * 2 * 100;
        double expected = (2 * 7.0 / 8 * bytes / Up) + (14 * UpStep) + (2 * 1.0 / 2 * (bytes / 8) / Out) + (2 * OutStep);
        Assert.Equal(expected, Collective.AllReduceAcrossDomains(bytes, 16, 8, Up, Out, UpStep, OutStep), 15);

        // Fewer latency steps than one 16-wide ring, but a prefill's buffer pays the slower link: nearly twice the time.
        Assert.True(Collective.AllReduceAcrossDomains(100e6, 16, 8, Up, Out, UpStep, OutStep) > 1.9 * Collective.AllReduce(CollectiveAlgorithm.Ring, 100e6, 16, Up, UpStep));
    }

    [Fact]
    public void Across_domains_an_all_to_all_waits_for_the_slower_of_its_two_links()
    {
        // 16 ranks: 7/16 of each rank's buffer stays on NVLink, 8/16 crosses the network, at once.
        double bytes = 1e6;
        double network = 8.0 / 16 * bytes / Out;
        Assert.True(network > 7.0 / 16 * bytes / Up);
        Assert.Equal(network + (7 * UpStep) + OutStep, Collective.AllToAllAcrossDomains(bytes, 16, 8, Up, Out, UpStep, OutStep), 15);
    }

    [Fact]
    public void A_two_node_replica_pays_the_network_in_its_collectives_and_says_so()
    {
        // DeepSeek-R1 in FP8 does not fit one HGX H100 node (671 GB of weights in 640 GB): TP 16 over two.
        ServingDeployment two = SimCatalog.Default.Deployment("deepseek-v3", "H100-SXM", tensorParallel: 16, weights: Precision.FP8).Validated();
        var model = new StepTimeModel(two);
        ModelSpec spec = two.Model;
        EfficiencyFactors eff = two.Efficiency;
        double up = SimCatalog.Default.Hardware.Get("H100-SXM").ScaleUpGBps!.Value * 1e9 * eff.Link;
        double network = 50e9 * eff.Link;

        // One decoding token: the all-reduces' latency and a token's bytes, inside each node and between the two.
        double perAllReduce = Collective.AllReduceAcrossDomains(spec.Hidden * 2.0, 16, 8, up, network, eff.CollectiveLatencySeconds, OutStep);
        Assert.Equal(2.0 * spec.Layers * perAllReduce, model.Terms(BatchShape.Decode(1, 1000)).Collectives, 12);
        Assert.Contains("spans 2 scale-up domains of 8 H100-SXM", two.AcrossDomainsNote, StringComparison.Ordinal);
        Assert.Contains("9.6 µs a ring step", two.AcrossDomainsNote, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, 2, 0)]    // four GPUs of one node
    [InlineData(8, 2, 1)]    // a stage a node
    [InlineData(4, 4, 1)]    // two stages a node: only the middle hand-off leaves it
    [InlineData(2, 8, 1)]
    [InlineData(16, 3, 2)]   // stages of two nodes each
    public void Pipeline_hand_offs_cross_the_network_between_nodes_only(int tp, int pp, int across)
    {
        ServingDeployment d = SimCatalog.Default.Deployment("llama-3.1-70b", "H100-SXM", tensorParallel: tp, weights: Precision.FP8) with { PipelineParallel = pp };
        Assert.Equal(across, d.Validated().PipelineHopsAcrossDomains);
        Assert.Equal(across > 0 || tp > 8, d.CrossesNetwork);
    }

    [Fact]
    public void A_hand_off_between_nodes_pays_the_network_s_step_and_bandwidth()
    {
        // TP 8 x PP 2 on two HGX H100 nodes against the same replica on one 16-wide domain: the hand-off alone differs.
        ServingDeployment twoNodes = SimCatalog.Default.Deployment("llama-3.1-70b", "H100-SXM", tensorParallel: 8, weights: Precision.FP8) with { PipelineParallel = 2 };
        ServingDeployment oneDomain = twoNodes with { Accelerator = twoNodes.Accelerator with { ScaleUpDomain = 16 } };
        EfficiencyFactors eff = twoNodes.Efficiency;
        double hidden = twoNodes.Model.Hidden * 2.0;
        double up = twoNodes.Accelerator.ScaleUpGBps!.Value * 1e9 * eff.Link, network = 50e9 * eff.Link;
        double expected = (eff.NetworkLatencySeconds - eff.CollectiveLatencySeconds) + (hidden / network) - (hidden / up);

        BatchShape one = BatchShape.Decode(1, 1000);
        Assert.Equal(expected, new StepTimeModel(twoNodes.Validated()).Terms(one).Collectives - new StepTimeModel(oneDomain.Validated()).Terms(one).Collectives, 12);
        Assert.StartsWith("pipeline_parallel 2 x tensor_parallel 8 spans 2 scale-up domains of 8 H100-SXM: 1 of its 1 pipeline hand-offs cross the scale-out network", twoNodes.AcrossDomainsNote, StringComparison.Ordinal);
        Assert.Null(oneDomain.AcrossDomainsNote);

        // Without a network figure the replica is refused, not timed on NVLink.
        ServingDeployment unknown = twoNodes with { Accelerator = twoNodes.Accelerator with { ScaleOutGBps = null } };
        Assert.Contains("gives no scale-out bandwidth (scale_out_gb_s) for the hand-offs", Assert.Throws<ArgumentException>(() => unknown.Validated()).Message, StringComparison.Ordinal);
    }
}
