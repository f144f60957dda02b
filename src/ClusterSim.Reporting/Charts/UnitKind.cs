namespace ClusterSim.Reporting.Charts;

/// <summary>How an axis's numbers read: plain with SI prefixes, durations, dollars, rates, shares or calendar dates.</summary>
public enum UnitKind
{
    Number,
    Seconds,
    Usd,
    TokensPerSecond,
    Percent,
    Days,

    /// <summary>Calendar years, written in full (2024).</summary>
    Year,

    /// <summary>Days after <see cref="Axis.DateOrigin"/>, labelled as calendar months.</summary>
    Date,
}
