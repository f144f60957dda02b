namespace ClusterSim.Core.Inference.Scheduling;

/// <summary>
/// Prompts first: requests join between iterations, and an iteration prefills waiting prompts, as many as fit the token
/// budget, or decodes every sequence, never both. Whole prompts is continuous batching as Orca and vLLM before chunked
/// prefill ran it; <paramref name="chunked"/> cuts them to fill the budget, as SGLang's default scheduler does (its
/// chunked prefill without <c>--enable-mixed-chunk</c>).
/// </summary>
internal sealed class ContinuousBatching(SchedulerOptions options, bool chunked) : BatchScheduler(options)
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

        int total = Fill(batch, Options.MaxBatchedTokens, chunked, limited: true);
        decodesRun = total == 0;
        return total;
    }
}
