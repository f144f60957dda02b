namespace ClusterSim.Core.Inference.Scheduling;

/// <summary>
/// Static batching: a batch is formed when the replica is idle, reserves each sequence's whole KV up front, prefills
/// every prompt at once and runs until its last sequence finishes; nothing joins it meanwhile.
/// </summary>
internal sealed class StaticBatching(SchedulerOptions options) : BatchScheduler(options)
{
    public override bool JoinsRunningBatch => false;

    public override bool GrowsKv => false;

    public override int PlanPrefill(RunningBatch batch, int prefilling, out bool decodesRun)
    {
        if (prefilling == 0)
        {
            decodesRun = true;
            return 0;
        }

        int total = Fill(batch, Options.MaxBatchedTokens, chunked: false, limited: false);
        decodesRun = total == 0;
        return total;
    }
}
