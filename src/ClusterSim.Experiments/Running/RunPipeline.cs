using System.Threading.Channels;
using ClusterSim.Core.Engine;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;

namespace ClusterSim.Experiments.Running;

/// <summary>
/// A bounded channel pipeline: one producer of (point, replication) runs, one worker per core, and a single writer
/// that summarises each point once its replications are in and writes points in their order. On cancellation or a
/// failed run the writer still writes every point that finished, so a resumed run does not redo them.
/// </summary>
internal sealed class RunPipeline(
    Experiment experiment,
    IReadOnlyList<ExperimentPoint> pending,
    RunOptions options,
    IProgress<RunProgress>? progress,
    int alreadyDone,
    int total)
{
    private readonly record struct RunTask(int Slot, int Replication);

    private readonly record struct RunOutcome(int Slot, int Replication, RecordedResult Result);

    private bool _runFilesWritten;

    private readonly ProgressTracker _progress = new(progress, options.Workers, alreadyDone, total);

    /// <summary>Runs the pending points; <paramref name="finished"/> receives each point's result, in point order.</summary>
    public void Run((double Rate, double Saturation)[] rates, Action<PointResult> finished, CancellationToken cancel)
    {
        _progress.Report();
        if (pending.Count == 0)
        {
            return;
        }

        RunAsync(rates, finished, cancel).GetAwaiter().GetResult();
    }

    private async Task RunAsync((double Rate, double Saturation)[] rates, Action<PointResult> finished, CancellationToken cancel)
    {
        int capacity = 2 * options.Workers;
        var work = Channel.CreateBounded<RunTask>(new BoundedChannelOptions(capacity) { SingleWriter = true });
        var outcomes = Channel.CreateBounded<RunOutcome>(new BoundedChannelOptions(capacity) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);

        // Replications a point asks for beyond its first ones (sequential replications) come from the writer; the producer
        // sends them ahead of the next point's, and finishes when the writer says every point has what it keeps.
        var more = Channel.CreateUnbounded<RunTask>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        if (experiment.Until is null)
        {
            more.Writer.Complete();
        }

        Task producer = Task.Run(async () =>
        {
            try
            {
                int slot = 0, rep = 0;
                while (true)
                {
                    if (more.Reader.TryRead(out RunTask extra))
                    {
                        await work.Writer.WriteAsync(extra, stop.Token).ConfigureAwait(false);
                    }
                    else if (slot < pending.Count)
                    {
                        await work.Writer.WriteAsync(new RunTask(slot, rep), stop.Token).ConfigureAwait(false);
                        if (++rep == experiment.Replications)
                        {
                            (slot, rep) = (slot + 1, 0);
                        }
                    }
                    else if (!await more.Reader.WaitToReadAsync(stop.Token).ConfigureAwait(false))
                    {
                        break;
                    }
                }
            }
            finally
            {
                work.Writer.Complete();
            }
        }, CancellationToken.None);

        Task[] workers = Enumerable.Range(0, options.Workers).Select(worker => Task.Run(async () =>
        {
            IProgress<double>? share = _progress.ShareOf(worker);
            try
            {
                await foreach (RunTask task in work.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    long seed = RandomStreams.ForReplication(experiment.Seed, task.Replication);
                    var result = ExperimentRunner.RunOne(pending[task.Slot], rates[task.Slot].Rate, seed, share);
                    _progress.RunFinished(worker);
                    // No token here: the writer drains every outcome, so a finished run is never thrown away.
                    await outcomes.Writer.WriteAsync(new RunOutcome(task.Slot, task.Replication, RecordedResult.Of(result, keepDetail: task.Replication == 0))).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                stop.Cancel();   // one failed run stops the others; what finished is still written
                throw;
            }
        }, CancellationToken.None)).ToArray();

        Task all = Task.WhenAll(workers.Append(producer));
        _ = all.ContinueWith(_ => outcomes.Writer.Complete(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

        var replications = pending.Select(_ => new PointReplications(experiment.Replications, experiment.MaxReplications, experiment.Until)).ToArray();
        var ready = new PointResult?[pending.Count];
        int next = 0, decided = 0;
        try
        {
            await foreach (RunOutcome outcome in outcomes.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                PointReplications point = replications[outcome.Slot];
                int first = point.Scheduled;
                int asked = point.Arrived(outcome.Replication, outcome.Result, options.Workers);
                for (int rep = first; rep < first + asked; rep++)
                {
                    more.Writer.TryWrite(new RunTask(outcome.Slot, rep));
                }

                _progress.RunsAdded(asked);
                if (ready[outcome.Slot] is null && point.Kept is { } kept)
                {
                    ready[outcome.Slot] = PointResult.Of(pending[outcome.Slot], rates[outcome.Slot].Rate, rates[outcome.Slot].Saturation, kept);
                    if (++decided == pending.Count)
                    {
                        more.Writer.TryComplete();
                    }
                }

                for (; next < pending.Count && ready[next] is { } done; next++)
                {
                    Finish(done, finished);
                }
            }
        }
        catch
        {
            // The writer failed (a full disk, a directory taken away, a metric the runs do not report): stop the workers
            // rather than leave them blocked.
            stop.Cancel();
            more.Writer.TryComplete();
            outcomes.Writer.TryComplete();
            throw;
        }
        finally
        {
            // Stopped early: the points that did finish, out of order, so that --resume finds them.
            more.Writer.TryComplete();
            for (int slot = next; slot < pending.Count; slot++)
            {
                if (ready[slot] is { } point)
                {
                    Finish(point, finished);
                }
            }
        }

        // The outcomes channel completes after every task has, so `all` has finished here.
        if (all.IsFaulted)
        {
            throw all.Exception!.Flatten();
        }

        cancel.ThrowIfCancellationRequested();
    }

    private void Finish(PointResult point, Action<PointResult> finished)
    {
        if (options.Directory is { } directory)
        {
            if (!_runFilesWritten)
            {
                // With the first point, not before the runs: a run refused on its first outcome (a metric its runs do not
                // report) leaves no results directory that looks like a run.
                ResultWriter.WriteRunFiles(directory, experiment);
                _runFilesWritten = true;
            }

            PointFiles.Write(directory, experiment, point);
        }

        finished(point);
    }
}
