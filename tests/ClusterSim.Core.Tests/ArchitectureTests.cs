using System.Text.RegularExpressions;
using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Tests;

/// <summary>Rules the build enforces: Core stays free of consoles, files, wall clocks, shared randomness and the outer projects.</summary>
public partial class ArchitectureTests
{
    private static readonly string[] Banned =
    [
        "Console.", "File.", "Directory.", "FileStream", "DateTime.Now", "DateTime.UtcNow", "DateTimeOffset.Now",
        "Stopwatch", "Random.Shared", "new Random(", "Environment.TickCount",
    ];

    [Fact]
    public void Core_references_no_outer_project_and_no_console()
    {
        var references = typeof(Simulator).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain("ClusterSim.Reporting", references);
        Assert.DoesNotContain("ClusterSim.Experiments", references);
        Assert.DoesNotContain("System.Console", references);
    }

    [Fact]
    public void Core_source_uses_no_banned_symbol()
    {
        string core = Path.Combine(ClusterSim.Tests.RepositoryRoot.Path, "src", "ClusterSim.Core");
        var offences = new List<string>();
        foreach (string file in Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/") && !f.Contains("/bin/")))
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = Comment().Replace(lines[i], string.Empty);
                offences.AddRange(Banned.Where(code.Contains).Select(b => $"{Path.GetRelativePath(core, file)}:{i + 1}: {b}"));
            }
        }

        Assert.Empty(offences);
    }

    [GeneratedRegex(@"//.*$|///.*$")]
    private static partial Regex Comment();
}
