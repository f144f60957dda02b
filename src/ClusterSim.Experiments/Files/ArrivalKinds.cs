namespace ClusterSim.Experiments.Files;

/// <summary>Arrival kinds by the names an experiment file uses, and back.</summary>
public static class ArrivalKinds
{
    /// <summary>Every kind by its file name.</summary>
    public static readonly IReadOnlyDictionary<string, ArrivalKind> ByName = new Dictionary<string, ArrivalKind>(StringComparer.Ordinal)
    {
        ["poisson"] = ArrivalKind.Poisson,
        ["gamma"] = ArrivalKind.Gamma,
        ["constant"] = ArrivalKind.Constant,
        ["diurnal"] = ArrivalKind.Diurnal,
        ["closed-loop"] = ArrivalKind.ClosedLoop,
        ["trace"] = ArrivalKind.Trace,
    };

    /// <summary>The name an experiment file uses for <paramref name="kind"/>.</summary>
    public static string Name(this ArrivalKind kind) => ByName.First(k => k.Value == kind).Key;

    /// <summary>Whether requests arrive at a rate of their own (not a closed loop, not a recording).</summary>
    public static bool IsOpen(this ArrivalKind kind) => kind is not (ArrivalKind.ClosedLoop or ArrivalKind.Trace);
}
