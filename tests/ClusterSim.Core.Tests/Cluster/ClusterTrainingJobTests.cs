using ClusterSim.Core.Catalog;
using ClusterSim.Core.Cluster;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Tests.Cluster;

public class ClusterTrainingJobTests
{
    /// <summary>Llama 3.1 70B at TP 8 × PP 4 × DP 64 on H100, 2,048 sequences of 8,192 a step: 32 micro-batches a replica (the shared-cluster experiment's pretraining job).</summary>
    private static ClusterTrainingJob Pretrain(int elastic, ElasticBatch batch = ElasticBatch.Fixed) => new()
    {
        Name = "pretrain",
        Pool = "h100",
        ElasticMaxAccelerators = elastic,
        ElasticBatch = batch,
        Job = new TrainingJob
        {
            Model = SimCatalog.Default.Models.Get("llama-3.1-70b"),
            Accelerator = SimCatalog.Default.Hardware.Get("H100-SXM"),
            Plan = new ParallelismPlan { TensorParallel = 8, PipelineParallel = 4, DataParallel = 64 },
            Tokens = 2.5e12,
            GlobalBatchTokens = 2048 * 8192,
            SequenceLength = 8192,
        },
    };

    [Fact]
    public void At_its_planned_size_a_job_trains_at_the_step_models_rate()
    {
        ClusterTrainingJob job = Pretrain(elastic: 3840).Validated();

        Assert.Same(job.Job, job.At(job.Gang));
        Assert.Equal(TrainingStepModel.Step(job.Job).TokensPerSecondPerAccelerator, job.TokensPerAcceleratorSecond(job.Gang));
    }

    [Fact]
    public void With_the_batch_fixed_a_replica_takes_the_ceiling_of_its_share_and_the_padding_trains_nothing()
    {
        // 120 replicas share 2,048 sequences: the slowest takes ⌈2048 / 120⌉ = 18 micro-batches, so the step lasts as long
        // as 2,160 sequences would and trains 2,048; the bubble of PP 4 grows from 3/32 to 3/18 of the step's work.
        ClusterTrainingJob job = Pretrain(elastic: 3840).Validated();
        TrainingJob grown = job.At(3840);

        Assert.Equal(120, grown.Plan.DataParallel);
        Assert.Equal(2160, grown.SequencesPerStep);
        Assert.Equal(18, grown.MicroBatches);
        StepBreakdown step = TrainingStepModel.Step(job.Job with { Plan = job.Job.Plan with { DataParallel = 120 }, GlobalBatchTokens = 2160 * 8192 });
        Assert.Equal(2048 * 8192 / (3840 * step.StepSeconds), job.TokensPerAcceleratorSecond(3840), 9);
        Assert.Equal(3.0 / 18, job.Job.Plan.BubbleFraction(grown.MicroBatches), 12);

        double efficiency = job.TokensPerAcceleratorSecond(3840) / job.TokensPerAcceleratorSecond(job.Gang);
        Assert.InRange(efficiency, 0.80, 0.95);
    }

    [Fact]
    public void With_the_batch_fixed_and_the_replicas_dividing_it_there_is_no_padding()
    {
        ClusterTrainingJob job = Pretrain(elastic: 4096).Validated();
        TrainingJob grown = job.At(4096);

        Assert.Equal(2048, grown.SequencesPerStep);
        Assert.Equal(16, grown.MicroBatches);
        Assert.Equal(TrainingStepModel.Step(grown).TokensPerSecondPerAccelerator, job.TokensPerAcceleratorSecond(4096), 12);
        Assert.True(job.TokensPerAcceleratorSecond(4096) < job.TokensPerAcceleratorSecond(job.Gang));
    }

    [Fact]
    public void With_the_batch_scaled_each_replica_keeps_its_micro_batches_and_nearly_its_rate()
    {
        // 128 replicas of 32 micro-batches: the batch doubles, the bubble stays at 3/32, only the gradient traffic's ring
        // grows, so an accelerator trains within a percent of what it did at the planned size.
        ClusterTrainingJob job = Pretrain(elastic: 4096, ElasticBatch.Scaled).Validated();
        TrainingJob grown = job.At(4096);

        Assert.Equal(4096, grown.SequencesPerStep);
        Assert.Equal(32, grown.MicroBatches);
        Assert.Equal(TrainingStepModel.Step(grown).TokensPerSecondPerAccelerator, job.TokensPerAcceleratorSecond(4096), 12);
        Assert.Equal(1, job.TokensPerAcceleratorSecond(4096) / job.TokensPerAcceleratorSecond(job.Gang), 0.01);
        Assert.True(job.TokensPerAcceleratorSecond(4096) > Pretrain(elastic: 4096).TokensPerAcceleratorSecond(4096));
    }

    [Fact]
    public void A_fixed_batch_too_small_for_every_replica_to_take_a_micro_batch_is_refused_with_the_largest_size_it_allows()
    {
        // 2,048 sequences give at most 2,048 replicas of 32 accelerators a micro-batch each.
        var e = Assert.Throws<ArgumentException>(() => Pretrain(elastic: 2049 * 32).Validated());

        Assert.Contains("a fixed global batch of 2048 sequences gives at most 2048 of them a micro-batch of 1 (at most 65536 accelerators; elastic_batch: scaled", e.Message, StringComparison.Ordinal);
        Assert.Equal(2049 * 32, Pretrain(elastic: 2049 * 32, ElasticBatch.Scaled).Validated().ElasticMaxAccelerators);
    }

    [Fact]
    public void Expert_parallelism_inside_data_parallelism_makes_the_job_grow_by_as_many_replicas()
    {
        // Mixtral 8x7B at TP 2 × DP 16 with EP 8: the data-parallel degree must stay a multiple of 8, so it grows by 8 replicas of 2.
        var mixtral = new ClusterTrainingJob
        {
            Name = "moe",
            Pool = "h100",
            Job = new TrainingJob
            {
                Model = SimCatalog.Default.Models.Get("mixtral-8x7b"),
                Accelerator = SimCatalog.Default.Hardware.Get("H100-SXM"),
                Plan = new ParallelismPlan { TensorParallel = 2, DataParallel = 16, ExpertParallel = 8 },
                Tokens = 1e11,
                GlobalBatchTokens = 512 * 4096,
                SequenceLength = 4096,
            },
        };

        Assert.Equal(8, mixtral.ElasticReplicaStep);
        Assert.Equal(16, mixtral.ElasticUnit);
        Assert.Equal(64, (mixtral with { ElasticMaxAccelerators = 64 }).Validated().ElasticMaxAccelerators);
        var e = Assert.Throws<ArgumentException>(() => (mixtral with { ElasticMaxAccelerators = 36 }).Validated());
        Assert.Contains("grow in units of 16 (8 data-parallel replicas of 2, so that expert_parallel and zero_shard_group still divide the data-parallel degree) (got 36)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zero3_shard_group_makes_the_job_grow_by_whole_groups()
    {
        ClusterTrainingJob job = Pretrain(elastic: 0) with { Job = Pretrain(0).Job with { Plan = Pretrain(0).Job.Plan with { ZeroStage = 3, ZeroShardGroup = 4 } } };

        Assert.Equal(4, job.ElasticReplicaStep);
        Assert.Equal(128, job.ElasticUnit);
    }

    [Fact]
    public void A_size_the_plan_cannot_run_at_is_refused_naming_the_size()
    {
        // One node of eight runs on NVLink alone; two need the network, which this catalog row lacks.
        TrainingJob oneNode = Training.TrainingJobs.Llama8B(dp: 1);
        var job = new ClusterTrainingJob
        {
            Name = "tune",
            Pool = "h100",
            ElasticMaxAccelerators = 16,
            Job = oneNode with { Accelerator = oneNode.Accelerator with { ScaleOutGBps = null } },
        };

        Assert.Equal(0, (job with { ElasticMaxAccelerators = 0 }).Validated().ElasticMaxAccelerators);
        var e = Assert.Throws<ArgumentException>(() => job.Validated());
        Assert.Contains("job tune: at elastic_max (16 accelerators, 2 data-parallel replicas): hardware 'H100-SXM' has no scale_out_gb_s", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2080, "at most its 2048 accelerators")]
    [InlineData(16, "at least 32")]
    [InlineData(1000, "shrink in whole data-parallel replicas of 32")]
    public void An_elastic_min_off_the_units_or_above_the_gang_is_refused(int min, string says)
    {
        var e = Assert.Throws<ArgumentException>(() => (Pretrain(elastic: 0) with { ElasticMinAccelerators = min }).Validated());
        Assert.Contains($"job pretrain: elastic_min must be", e.Message, StringComparison.Ordinal);
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_elastic_min_whose_ranks_cannot_hold_the_shards_is_refused_naming_its_memory()
    {
        // Llama 3.1 70B at TP 8 × DP 64 under ZeRO-3 holds 25 GB a rank; over 2 replicas its shards would take 93 GB.
        ClusterTrainingJob job = Pretrain(elastic: 0) with
        {
            Job = Pretrain(0).Job with { Plan = new ParallelismPlan { TensorParallel = 8, DataParallel = 64, ZeroStage = 3 } },
            ElasticMinAccelerators = 16,
        };

        var e = Assert.Throws<ArgumentException>(() => job.Validated());
        Assert.Contains("job pretrain: at elastic_min (16 accelerators, 2 data-parallel replicas): the plan needs", e.Message, StringComparison.Ordinal);
        Assert.Contains("optimizer states", e.Message, StringComparison.Ordinal);
        Assert.Equal(128, (job with { ElasticMinAccelerators = 128 }).Validated().ElasticFloor);
    }
}
