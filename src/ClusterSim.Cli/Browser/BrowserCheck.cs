namespace ClusterSim.Cli.Browser;

/// <summary>What a headless browser saw when it opened a report: console errors and each chart's rendered size.</summary>
public sealed record BrowserCheck(IReadOnlyList<string> ConsoleErrors, IReadOnlyList<(string Id, double Width, double Height)> Charts, IReadOnlyList<string> Pngs);
