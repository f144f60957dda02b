using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// Sparse attention (DeepSeek-V3.2's DSA): each query attends the top-k tokens a lightning indexer picks, and the indexer
/// scores every token of the context, reading each one's cached key.
/// </summary>
public class SparseAttentionTests
{
    private static readonly EfficiencyFactors Factors = new() { Compute = 0.7, Memory = 0.8, Attention = 0.5, KvRead = 0.6, Link = 0.5 };

    private static ServingDeployment On(string model) => new()
    {
        Model = SimCatalog.Default.Models.Get(model),
        Accelerator = SimCatalog.Default.Hardware.Get("H200"),
        TensorParallel = 8,
        Weights = Precision.FP8,
        KvCache = Precision.FP8,
        Efficiency = Factors,
    };

    [Fact]
    public void A_token_caches_its_latent_and_an_FP8_indexer_key_with_its_scale_on_every_layer()
    {
        ModelSpec v32 = SimCatalog.Default.Models.Get("deepseek-v3.2"), v3 = SimCatalog.Default.Models.Get("deepseek-v3");

        Assert.Equal(61 * (128 + 4.0), v32.IndexerBytesPerToken);
        Assert.Equal(v3.KvBytesPerToken(Precision.FP8) + (61 * 132.0), v32.KvBytesPerToken(Precision.FP8));
        Assert.Equal(2.0 * 64 * 128 * 61, v32.IndexerFlopsPerContextToken);
        Assert.Equal(61 * ((1536.0 * 64 * 128) + (7168.0 * 128) + (7168.0 * 64)), v32.TotalParameters - v3.TotalParameters);
    }

    [Fact]
    public void Past_the_top_k_attention_stops_growing_and_only_the_indexer_grows_with_the_context()
    {
        var sparse = new StepTimeModel(On("deepseek-v3.2"));
        var dense = new StepTimeModel(On("deepseek-v3"));
        ServingDeployment d = On("deepseek-v3.2");
        double secondsPerKvByte = 1.0 / (d.Accelerator.MemoryBytesPerSecond * Factors.KvRead * 8);
        double indexerRead = d.IndexerBytesPerToken * secondsPerKvByte;   // a context token's key, read once a step

        // Up to the top-k both attend the whole context (the sparse model also reads the indexer's keys).
        double shortContext = sparse.Terms(BatchShape.Decode(64, 64 * 1024)).Attention;
        Assert.Equal(dense.Terms(BatchShape.Decode(64, 64 * 1024)).Attention, shortContext - (64 * 1024 * indexerRead), 12);

        // Past it, only the indexer's reads grow: 16k to 32k tokens adds 64 × 16k keys.
        double at16k = sparse.Terms(BatchShape.Decode(64, 64 * 16384)).Attention;
        double at32k = sparse.Terms(BatchShape.Decode(64, 64 * 32768)).Attention;
        Assert.Equal(64 * 16384 * indexerRead, at32k - at16k, 12);
        Assert.True(at32k < dense.Terms(BatchShape.Decode(64, 64 * 32768)).Attention / 3, "at 32k tokens a query reads 2,048 of them");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(128)]
    public void A_decode_stretch_times_each_iteration_to_the_nanosecond_as_one_step_would(int sequences)
    {
        var model = new StepTimeModel(On("deepseek-v3.2"));
        foreach (long perSequence in new long[] { 1000, 2040, 30000 })   // below, across and past the top-k
        {
            DecodeStretchAssert.MatchesSteps(model, sequences, sequences * perSequence);
        }
    }

    [Fact]
    public void Every_rank_runs_the_whole_indexer_so_tensor_parallelism_does_not_divide_its_arithmetic()
    {
        // A prompt chunk: 8,192 new tokens scoring a context of 8,192 each, FLOP-bound at one B200's FP8 peak, at TP 4 and 8.
        ServingDeployment d = On("deepseek-v3.2") with { Accelerator = SimCatalog.Default.Hardware.Get("B200") };
        double context = 8192.0 * 8192;
        double perRank = d.Model.IndexerFlopsPerContextToken * context / (d.Accelerator.PeakFlops(Precision.FP8) * Factors.Attention);

        Assert.Equal(perRank, new StepTimeModel(d).IndexerSeconds(context, 0), 12);
        Assert.Equal(perRank, new StepTimeModel(d with { TensorParallel = 4 }).IndexerSeconds(context, 0), 12);
    }
}
