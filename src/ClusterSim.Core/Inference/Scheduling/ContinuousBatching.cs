namespace ClusterSim.Core.Inference.Scheduling;

/// <summary>
/// Continuous batching (Orca, vLLM before chunked prefill): requests join between iterations; an iteration either
/// prefills whole prompts, as many as fit the token budget, or decodes every sequence.
/// </summary>
internal sealed class ContinuousBatching(SchedulerOptions options) : BatchScheduler(options)
{
    public override bool JoinsRunningBatch => true;

    public override bool GrowsKv => true;

    public override int PlanPrefill(RunningBatch batch, int prefilling, out bool decodesRun)
    {
        if (prefilling == 0)
        {
            decodesRun = true;
            return 0;
        }

        int total = Fill(batch, Options.MaxBatchedTokens, chunked: false, limited: true);
        decodesRun = total == 0;
        return total;
    }
}
