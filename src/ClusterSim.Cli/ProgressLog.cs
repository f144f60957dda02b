using System.Diagnostics;
using System.Globalization;
using ClusterSim.Experiments.Running;
using Microsoft.Extensions.Logging;

namespace ClusterSim.Cli;

/// <summary>Progress without a terminal: a log line every few seconds with runs done, rate and time left; every finished run at debug level.</summary>
internal sealed class ProgressLog(ILogger log, Stopwatch clock) : IProgress<RunProgress>
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
    private readonly Lock _gate = new();
    private TimeSpan _lastLine = TimeSpan.Zero;
    private double _first = -1;
    private int _finished = -1;

    public void Report(RunProgress value)
    {
        lock (_gate)
        {
            if (_first < 0)
            {
                _first = value.Done;   // runs read back by --resume do not count towards the rate
            }

            if (value.Finished != _finished)
            {
                _finished = value.Finished;
                log.LogDebug("{Finished}/{Total} runs finished", value.Finished, value.Total);
            }

            TimeSpan now = clock.Elapsed;
            if (now - _lastLine < Every || value.Finished == value.Total)
            {
                return;
            }

            _lastLine = now;
            double rate = (value.Done - _first) / now.TotalSeconds;
            string left = rate > 0 ? TimeSpan.FromSeconds((value.Total - value.Done) / rate).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "?";
            log.LogInformation("{Done:0.0}/{Total} runs done, {Rate:F2} runs/s, about {Left} left", value.Done, value.Total, rate, left);
        }
    }
}
