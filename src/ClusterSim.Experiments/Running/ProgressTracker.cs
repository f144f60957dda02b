namespace ClusterSim.Experiments.Running;

/// <summary>
/// Collects the pipeline's progress (finished runs from the writer, each worker's share of its current run) and reports
/// it one call at a time, so whoever listens never sees two reports at once.
/// </summary>
internal sealed class ProgressTracker
{
    private readonly IProgress<RunProgress>? _listener;
    private readonly double[] _shares;
    private int _total;
    private readonly Lock _gate = new();
    private int _finished;

    public ProgressTracker(IProgress<RunProgress>? listener, int workers, int finished, int total)
    {
        _listener = listener;
        _shares = new double[workers];
        _finished = finished;
        _total = total;
    }

    /// <summary>Reports where things stand (at the start).</summary>
    public void Report()
    {
        lock (_gate)
        {
            _listener?.Report(new RunProgress(_finished, _total, _shares.Sum()));
        }
    }

    /// <summary>Worker <paramref name="worker"/> finished a run.</summary>
    public void RunFinished(int worker)
    {
        lock (_gate)
        {
            _shares[worker] = 0;
            _finished++;
            _listener?.Report(new RunProgress(_finished, _total, _shares.Sum()));
        }
    }

    /// <summary><paramref name="runs"/> more runs were asked for (sequential replications narrowing a point's interval).</summary>
    public void RunsAdded(int runs)
    {
        if (runs == 0)
        {
            return;
        }

        lock (_gate)
        {
            _total += runs;
            _listener?.Report(new RunProgress(_finished, _total, _shares.Sum()));
        }
    }

    /// <summary>What worker <paramref name="worker"/> reports its current run's share to; null when nobody listens.</summary>
    public IProgress<double>? ShareOf(int worker) => _listener is null ? null : new WorkerShare(this, worker);

    private sealed class WorkerShare(ProgressTracker tracker, int worker) : IProgress<double>
    {
        public void Report(double value)
        {
            lock (tracker._gate)
            {
                tracker._shares[worker] = value;
                tracker._listener!.Report(new RunProgress(tracker._finished, tracker._total, tracker._shares.Sum()));
            }
        }
    }
}
