namespace ClusterSim.Core.Inference.Scheduling;

/// <summary>
/// Chunked prefill (Sarathi, vLLM V1): every iteration decodes each running sequence and fills the rest of the token
/// budget with prompt chunks, in batch order.
/// </summary>
internal sealed class ChunkedPrefillBatching(SchedulerOptions options) : BatchScheduler(options)
{
    public override bool JoinsRunningBatch => true;

    public override bool GrowsKv => true;

    public override int PlanPrefill(RunningBatch batch, int prefilling, out bool decodesRun)
    {
        decodesRun = true;
        if (prefilling == 0)
        {
            return 0;
        }

        int decoding = batch.Count - prefilling;
        return Fill(batch, Math.Max(0, Options.MaxBatchedTokens - decoding), chunked: true, limited: true);
    }
}
