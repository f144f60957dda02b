using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>
/// vLLM V0's multi-step scheduling: a window of decode steps is scheduled once, so each of its steps pays the step's
/// overhead and the scheduling share of each sequence's overhead over the window, and each token's output processing whole.
/// </summary>
public class VllmMultiStepTests
{
    private static readonly EfficiencyFactors Factors = new()
    {
        Compute = 0.28, Memory = 0.70, Attention = 0.45, KvRead = 0.69, Link = 0.5,
        IterationOverheadSeconds = 1e-3, SequenceOverheadSeconds = 35e-6, CollectiveLatencySeconds = 1.93e-6,
    };

    private static ServingDeployment On(int multiStep, ServingEngine engine = ServingEngine.Vllm, int tp = 1) => new()
    {
        Model = SimCatalog.Default.Models.Get("llama-3.1-8b"),
        Accelerator = SimCatalog.Default.Hardware.Get("MI300X"),
        TensorParallel = tp,
        Weights = Precision.FP8,
        KvCache = Precision.FP8,
        Engine = engine,
        EngineVersion = "0.6.4",
        MultiStep = multiStep,
        Efficiency = Factors,
    };

    [Fact]
    public void A_decode_step_of_a_window_pays_the_scheduling_once_a_window_and_the_output_processing_every_step()
    {
        const int sequences = 256;
        double scheduling = 1e-3 + (0.7 * 35e-6 * sequences);
        double output = 0.3 * 35e-6 * sequences;
        Assert.Equal(0.30, VllmMultiStep.OutputProcessingShare);
        Assert.Equal((scheduling / 10) + output, new StepTimeModel(On(10)).Terms(BatchShape.Decode(sequences, sequences * 300.0)).Overhead, 15);
        // One step a schedule is the overhead as it stands, to the bit.
        Assert.Equal(1e-3 + (35e-6 * sequences), new StepTimeModel(On(1)).Terms(BatchShape.Decode(sequences, sequences * 300.0)).Overhead);
    }

    [Fact]
    public void A_step_that_prefills_is_scheduled_on_its_own()
    {
        var prefill = new BatchShape(2048 + 100, BatchShape.PrefillAttention(2048, 0), 0, 101);
        Assert.Equal(
            new StepTimeModel(On(1)).Terms(prefill).Overhead,
            new StepTimeModel(On(10)).Terms(prefill).Overhead);
    }

    [Fact]
    public void Ten_steps_a_schedule_make_a_full_batch_of_small_steps_faster_and_leave_a_batch_of_one_nearly_alone()
    {
        var single = new StepTimeModel(On(1));
        var window = new StepTimeModel(On(10));
        long full1 = single.DecodeNanos(256, 256 * 300.0), full10 = window.DecodeNanos(256, 256 * 300.0);
        long one1 = single.DecodeNanos(1, 300), one10 = window.DecodeNanos(1, 300);
        // 256 sequences: 9.96 ms of overhead become 0.1 + 6.27/10 + 2.69 ms.
        Assert.Equal(1e-3 + (35e-6 * 256) - ((1e-3 + (0.7 * 35e-6 * 256)) / 10) - (0.3 * 35e-6 * 256), (full1 - full10) / 1e9, 6);
        Assert.True(one1 - one10 < 1_000_000, $"{one1} vs {one10}: a batch of one saves at most the step's overhead");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(256)]
    public void A_decode_stretch_times_a_window_as_its_iterations_do(int sequences)
    {
        var model = new StepTimeModel(On(10));
        DecodeRun run = model.DecodeRun(sequences);
        for (int i = 0; i < 5; i++)
        {
            double context = sequences * (500.0 + i);
            Assert.Equal(model.DecodeNanos(sequences, context), run.Nanos(context));
            Assert.True(model.IterationFloorNanos <= run.Nanos(context));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void A_window_outside_one_to_sixty_four_steps_is_refused(int steps)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => On(steps).Validated());
        Assert.Contains("multi_step", e.Message);
    }

    [Theory]
    [InlineData(ServingEngine.Sglang)]
    [InlineData(ServingEngine.TensorRtLlm)]
    public void Only_vLLM_schedules_several_steps_at_once(ServingEngine engine)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => On(4, engine).Validated());
        Assert.Contains("--num-scheduler-steps", e.Message);
        _ = On(1, engine).Validated();
    }
}
