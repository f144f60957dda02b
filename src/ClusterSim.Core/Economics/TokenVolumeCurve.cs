namespace ClusterSim.Core.Economics;

/// <summary>Tokens per day through time from dated anchors, interpolated (and extrapolated) log-linearly.</summary>
public sealed class TokenVolumeCurve
{
    private readonly (DateOnly Date, double Tokens)[] _anchors;

    /// <summary>A curve through at least two anchors with positive volumes.</summary>
    public TokenVolumeCurve(IEnumerable<(DateOnly Date, double TokensPerDay)> anchors)
    {
        _anchors = anchors.OrderBy(a => a.Date).ToArray();
        if (_anchors.Length < 2 || _anchors.Any(a => a.Tokens <= 0) || _anchors.Select(a => a.Date).Distinct().Count() != _anchors.Length)
        {
            throw new ArgumentException("token volume: give at least two anchors on different dates, each with a positive volume");
        }
    }

    public IReadOnlyList<(DateOnly Date, double Tokens)> Anchors => _anchors;

    /// <summary>Tokens per day on <paramref name="date"/>.</summary>
    public double At(DateOnly date)
    {
        int i = 0;
        while (i < _anchors.Length - 2 && date > _anchors[i + 1].Date)
        {
            i++;
        }

        var (d0, v0) = _anchors[i];
        var (d1, v1) = _anchors[i + 1];
        double t = (date.DayNumber - d0.DayNumber) / (double)(d1.DayNumber - d0.DayNumber);
        return Math.Exp(Math.Log(v0) + (t * (Math.Log(v1) - Math.Log(v0))));
    }
}
