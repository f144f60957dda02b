namespace ClusterSim.Core.Inference.Scheduling;

/// <summary>
/// SGLang's default: while prompts wait, an iteration prefills them, cut into chunks to fill the chunked-prefill budget,
/// and the running sequences decode only in iterations without a prompt (prefill and decode never share an iteration,
/// as without its <c>--enable-mixed-chunk</c>).
/// </summary>
internal sealed class PrefillFirstBatching(SchedulerOptions options) : BatchScheduler(options)
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

        int total = Fill(batch, Options.MaxBatchedTokens, chunked: true, limited: true);
        decodesRun = total == 0;
        return total;
    }
}
