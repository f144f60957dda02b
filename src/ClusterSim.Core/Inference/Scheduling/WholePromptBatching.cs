namespace ClusterSim.Core.Inference.Scheduling;

/// <summary>
/// vLLM V1 with chunked prefill off: every iteration decodes each running sequence, and a prompt runs beside them only
/// whole and only when it fits the token budget the decodes (and the prompts before it) leave; one that does not fit is
/// passed over for the ones behind it and waits for a later iteration. (vLLM refuses a budget below the longest sequence it
/// accepts; here a prompt longer than the whole budget runs alone once it is first in line, so that nothing waits forever.)
/// </summary>
internal sealed class WholePromptBatching(SchedulerOptions options) : BatchScheduler(options)
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

        int budget = Math.Max(0, Options.MaxBatchedTokens - (batch.Count - prefilling));
        int total = 0;
        bool first = true;
        foreach (int i in batch.Selected(Selection.Prefilling))
        {
            int remaining = batch.PromptLength[i] - batch.Prefilled[i];
            bool oversized = first && remaining > Options.MaxBatchedTokens;
            first = false;
            if (remaining > budget && !oversized)
            {
                continue;
            }

            batch.Chunk[i] = remaining;
            budget = Math.Max(0, budget - remaining);
            total += remaining;
            if (oversized)
            {
                break;
            }
        }

        return total;
    }
}
