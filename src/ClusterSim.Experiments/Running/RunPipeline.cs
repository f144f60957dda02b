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

    private readonly ProgressTracker _progress = new(progress, options.Workers, alreadyDone, total);

    /// <summary>Runs the pending points; <paramref name="finished"/> receives each point's result, in point order.</summary>
    public void Run((double Rate, double Saturation)[] rates, Action<PointResult> finished, CancellationToken cancel)
    {
        _progress.Report();
        if (pending.Count == 0)
        {
            return;
        }

        if (options.Directory is { } directory)
        {
            ResultWriter.WriteRunFiles(directory, experiment);
        }

        RunAsync(rates, finished, cancel).GetAwaiter().GetResult();
    }

    private async Task RunAsync((double Rate, double Saturation)[] rates, Action<PointResult> finished, CancellationToken cancel)
    {
        int capacity = 2 * options.Workers;
        var work = Channel.CreateBounded<RunTask>(new BoundedChannelOptions(capacity) { SingleWriter = true });
        var outcomes = Channel.CreateBounded<RunOutcome>(new BoundedChannelOptions(capacity) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);

        Task producer = Task.Run(async () =>
        {
            try
            {
                for (int slot = 0; slot < pending.Count; slot++)
                {
                    for (int rep = 0; rep < experiment.Replications; rep++)
                    {
                        await work.Writer.WriteAsync(new RunTask(slot, rep), stop.Token).ConfigureAwait(false);
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

        var replications = new RecordedResult[]?[pending.Count];   // a point's replications until all are in
        var arrived = new int[pending.Count];
        var ready = new PointResult?[pending.Count];
        int next = 0;
        try
        {
            await foreach (RunOutcome outcome in outcomes.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                RecordedResult[] slot = replications[outcome.Slot] ??= new RecordedResult[experiment.Replications];
                slot[outcome.Replication] = outcome.Result;
                if (++arrived[outcome.Slot] == experiment.Replications)
                {
                    ready[outcome.Slot] = PointResult.Of(pending[outcome.Slot], rates[outcome.Slot].Rate, rates[outcome.Slot].Saturation, slot);
                    replications[outcome.Slot] = null;
                }

                for (; next < pending.Count && ready[next] is { } point; next++)
                {
                    Finish(point, finished);
                }
            }
        }
        catch
        {
            // The writer failed (a full disk, a directory taken away): stop the workers rather than leave them blocked.
            stop.Cancel();
            outcomes.Writer.TryComplete();
            throw;
        }
        finally
        {
            // Stopped early: the points that did finish, out of order, so that --resume finds them.
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
            PointFiles.Write(directory, experiment, point);
        }

        finished(point);
    }
}
