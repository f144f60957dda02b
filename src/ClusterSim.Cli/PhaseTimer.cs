using System.Diagnostics;
using System.Globalization;

namespace ClusterSim.Cli;

/// <summary>
/// Wall-clock time of each phase of a command (`--timings`): where a run's time goes, printed as one line to standard
/// error. Measures the process, never the simulation (simulated time is the engine's own).
/// </summary>
internal sealed class PhaseTimer
{
    private readonly List<(string Phase, double Milliseconds)> _phases = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _last;

    /// <summary>Closes the phase running since the previous mark (or since the timer started) under <paramref name="phase"/>.</summary>
    public void Mark(string phase)
    {
        TimeSpan now = _clock.Elapsed;
        _phases.Add((phase, (now - _last).TotalMilliseconds));
        _last = now;
    }

    /// <summary>The phases and their total, e.g. "timings: load 4 ms, simulate 41 ms, report 38 ms; 83 ms in all" (the process's own start-up before the command is not counted).</summary>
    public string Summary()
    {
        string phases = string.Join(", ", _phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Phase} {p.Milliseconds:F0} ms")));
        return string.Create(CultureInfo.InvariantCulture, $"timings: {phases}; {_clock.Elapsed.TotalMilliseconds:F0} ms in all");
    }
}
