namespace ClusterSim.Reporting.Charts;

/// <summary>Okabe–Ito colours: distinguishable under the common forms of colour-blindness.</summary>
public static class Palette
{
    public static IReadOnlyList<string> Colours { get; } = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];

    public static string At(int index) => Colours[index % Colours.Count];
}
