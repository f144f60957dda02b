using ClusterSim.Core.Catalog;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Tests.Training;

public class TrainingRunTests
{
    [Fact]
    public void Without_failures_the_wall_time_is_steps_times_step_time_plus_checkpoints()
    {
        TrainingJob job = TrainingJobs.Llama8B(checkpoints: new CheckpointPolicy { IntervalSeconds = 3600, WriteSeconds = 60 });
        TrainingResult result = new TrainingRun(job, seed: 1).Run();

        double work = job.Steps * result.Step.StepSeconds;
        double checkpointTime = result.Checkpoints * 60.0;
        Assert.Equal(0, result.Failures);
        Assert.Equal(Math.Floor(work / result.CheckpointIntervalSeconds - 1e-9), result.Checkpoints);
        Assert.Equal(work + checkpointTime, result.WallSeconds, work * 1e-6);
        Assert.Equal(work / result.WallSeconds, result.EffectiveTrainingFraction, 1e-6);
        Assert.True(result.Conserved);
    }

    [Fact]
    public void Every_second_is_booked_to_exactly_one_phase()
    {
        TrainingJob job = TrainingJobs.Llama8B(dp: 128, tokens: 2e12, failures: new FailureModel { MtbfHoursPerAccelerator = 5000 });
        TrainingResult result = new TrainingRun(job, seed: 3).Run();

        Assert.True(result.Failures > 10, $"expected many failures, saw {result.Failures}");
        Assert.True(result.Conserved);
        double booked = Enum.GetValues<TrainingPhase>().Sum(result.PhaseSeconds);
        Assert.Equal(result.WallSeconds, booked, result.WallSeconds * 1e-9);
        Assert.Equal(job.Steps * result.Step.StepSeconds, result.PhaseSeconds(TrainingPhase.Training), result.WallSeconds * 1e-6);

        var series = result.Series();
        for (int i = 0; i < series.TimeSeconds.Count; i++)
        {
            Assert.Equal(1.0, series.Columns.Sum(c => c.Values[i]), 1e-9);
        }
    }

    [Fact]
    public void Lost_time_per_failure_matches_the_renewal_model()
    {
        // With Poisson failures at rate λ and interval τ, the expected work lost per failure is about τ/2 when λτ ≪ 1.
        var failures = new FailureModel { MtbfHoursPerAccelerator = 2000, PlannedPerDay = 0, RestartSeconds = 600 };
        TrainingJob job = TrainingJobs.Llama8B(dp: 128, tokens: 2e13, failures: failures, checkpoints: new CheckpointPolicy { IntervalSeconds = 1800, WriteSeconds = 10 });
        TrainingResult result = new TrainingRun(job, seed: 11).Run();

        double perFailure = result.PhaseSeconds(TrainingPhase.Lost) / result.Failures;
        double restartPerFailure = result.PhaseSeconds(TrainingPhase.Restart) / result.Failures;
        Assert.True(result.Failures > 300, $"{result.Failures} failures");
        Assert.InRange(perFailure, 0.85 * (1810 / 2.0), 1.15 * (1810 / 2.0));
        Assert.InRange(restartPerFailure, 0.9 * 600, 600);
        double expectedFailures = result.WallSeconds * failures.JobFailureRatePerSecond(job.Plan.Accelerators);
        Assert.InRange(result.Failures, expectedFailures - (4 * Math.Sqrt(expectedFailures)), expectedFailures + (4 * Math.Sqrt(expectedFailures)));
    }

    [Fact]
    public void Young_Daly_interval_is_near_the_empirical_optimum()
    {
        var failures = new FailureModel { MtbfHoursPerAccelerator = 3000, PlannedPerDay = 0, RestartSeconds = 60 };
        double Wall(double? interval) => Enumerable.Range(0, 4).Average(seed =>
            new TrainingRun(TrainingJobs.Llama8B(dp: 128, tokens: 5e12, failures: failures, checkpoints: new CheckpointPolicy { WriteSeconds = 120, IntervalSeconds = interval }), seed).Run().WallSeconds);

        double optimum = Wall(null);
        Assert.True(optimum < Wall(150), "checkpointing far too often costs more");
        Assert.True(optimum < Wall(20_000), "checkpointing far too rarely costs more");
    }

    [Fact]
    public void Daly_formula_reduces_to_Young_for_cheap_checkpoints()
    {
        Assert.Equal(Math.Sqrt(2 * 1 * 1e6), CheckpointPolicy.YoungDaly(1, 1e6), 1e3 * 0.01);
        Assert.Equal(100, CheckpointPolicy.YoungDaly(300, 100));
        Assert.True(double.IsPositiveInfinity(CheckpointPolicy.YoungDaly(30, double.PositiveInfinity)));
    }

    [Fact]
    public void Same_seed_gives_the_same_run_and_another_seed_differs()
    {
        TrainingJob job = TrainingJobs.Llama8B(dp: 128, tokens: 2e12, failures: new FailureModel { MtbfHoursPerAccelerator = 5000 });
        TrainingResult a = new TrainingRun(job, 5).Run(), b = new TrainingRun(job, 5).Run(), c = new TrainingRun(job, 6).Run();
        Assert.Equal(a.Segments, b.Segments);
        Assert.NotEqual(a.WallSeconds, c.WallSeconds);
    }

    [Fact]
    public void A_plan_that_does_not_fit_says_what_overflowed()
    {
        TrainingJob job = new()
        {
            Model = SimCatalog.Default.Models.Get("llama-3.1-405b"),
            Accelerator = SimCatalog.Default.Hardware.Get("H100-SXM"),
            Plan = new ParallelismPlan { TensorParallel = 8, PipelineParallel = 1, DataParallel = 16, ZeroStage = 0 },
            Tokens = 1e9,
            GlobalBatchTokens = 16 * 8192,
            SequenceLength = 8192,
        };
        var e = Assert.Throws<ArgumentException>(() => new TrainingRun(job, 1));
        Assert.Contains("per accelerator but it has 79.7 GiB", e.Message, StringComparison.Ordinal);
        Assert.Contains("optimizer states", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8, 1, 3, "multiple of data_parallel")]
    [InlineData(5, 1, 16, "must divide the model's 32 attention heads")]
    [InlineData(8, 64, 16, "exceeds the model's 32 layers and the 2 slots its embedding and loss may take")]
    public void Inconsistent_plans_are_rejected(int tp, int pp, int dp, string expected)
    {
        TrainingJob job = TrainingJobs.Llama8B() with { Plan = new ParallelismPlan { TensorParallel = tp, PipelineParallel = pp, DataParallel = dp } };
        var e = Assert.Throws<ArgumentException>(() => job.Validated());
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_stages_shard_more_state_as_they_rise()
    {
        double[] bytes = Enumerable.Range(0, 4).Select(stage =>
            TrainingMemory.Of(TrainingJobs.Llama8B() with { Plan = new ParallelismPlan { TensorParallel = 8, DataParallel = 16, ZeroStage = stage } }).TotalBytes).ToArray();
        Assert.True(bytes[0] > bytes[1] && bytes[1] > bytes[2] && bytes[2] > bytes[3]);
    }

    [Fact]
    public void Pipeline_bubble_follows_the_1F1B_formula()
    {
        TrainingJob job = TrainingJobs.Llama8B() with { Plan = new ParallelismPlan { TensorParallel = 8, PipelineParallel = 4, DataParallel = 4 } };
        StepBreakdown step = TrainingStepModel.Step(job);
        double m = job.MicroBatches;
        Assert.Equal(3 / m, step.PipelineBubbleSeconds / (step.ComputeSeconds + step.MemoryBoundSeconds + step.TensorParallelSeconds), 1e-9);

        TrainingJob interleaved = job with { Plan = job.Plan with { Schedule = PipelineSchedule.Interleaved, InterleavedChunks = 2 } };
        StepBreakdown step2 = TrainingStepModel.Step(interleaved);
        Assert.Equal(3 / (2 * m), step2.PipelineBubbleSeconds / (step2.ComputeSeconds + step2.MemoryBoundSeconds + step2.TensorParallelSeconds), 1e-9);
    }
}
