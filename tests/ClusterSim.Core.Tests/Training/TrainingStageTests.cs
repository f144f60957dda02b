using ClusterSim.Core.Training;

namespace ClusterSim.Core.Tests.Training;

/// <summary>Runs that change shape on the way: batch-size ramps and stages on a different number of accelerators.</summary>
public class TrainingStageTests
{
    [Fact]
    public void Two_stages_of_the_same_shape_take_what_one_run_of_their_tokens_takes()
    {
        TrainingJob whole = TrainingJobs.Llama8B(tokens: 2e11);
        TrainingJob split = whole with { Stages = [new TrainingStage { Tokens = 1e11 }, new TrainingStage { Tokens = 1e11 }] };
        TrainingResult a = TrainingRun.RunStages(whole, seed: 1), b = TrainingRun.RunStages(split, seed: 1);

        // Without failures only checkpoint rounding differs: each stage writes its own last checkpoint.
        Assert.Equal(a.AcceleratorHours, b.AcceleratorHours, a.AcceleratorHours * 0.01);
        Assert.Equal(a.ModelFlops, b.ModelFlops, a.ModelFlops * 1e-9);
        Assert.True(b.Conserved);
        Assert.Equal([0, 1], b.Segments.Select(s => s.Stage).Distinct());
    }

    [Fact]
    public void A_stage_on_fewer_accelerators_books_its_own_count_and_a_ramp_changes_the_step()
    {
        TrainingJob job = TrainingJobs.Llama8B(dp: 16, tokens: 2e11) with
        {
            Stages =
            [
                new TrainingStage { Tokens = 5e10, GlobalBatchTokens = 512 * 8192, DataParallel = 8 },
                new TrainingStage { Tokens = 1.5e11 },
            ],
        };
        TrainingResult r = TrainingRun.RunStages(job, seed: 3);
        double expected = r.Segments.Where(s => s.Stage == 0).Sum(s => s.Duration) / 1e9 / 3600 * 64
            + (r.Segments.Where(s => s.Stage == 1).Sum(s => s.Duration) / 1e9 / 3600 * 128);
        Assert.Equal(expected, r.AcceleratorHours, expected * 1e-9);
        Assert.Equal(2, r.StageSteps.Count);
        Assert.NotEqual(r.StageSteps[0].Tokens, r.StageSteps[1].Tokens);
        Assert.Equal(r.StageSteps[1], r.Step);   // the stage with the most tokens
        Assert.True(r.Conserved);
    }

    [Fact]
    public void A_stage_that_does_not_divide_its_batch_is_refused_with_its_number()
    {
        TrainingJob job = TrainingJobs.Llama8B() with { Stages = [new TrainingStage { Tokens = 1e10, DataParallel = 3 }] };
        Assert.StartsWith("stage 1:", Assert.Throws<ArgumentException>(() => job.Validated()).Message, StringComparison.Ordinal);
    }
}
