using System.Text;

namespace ClusterSim.Experiments.Studies;

/// <summary>A replayed replication's timeline: how to write it as Perfetto JSON (streamed, it can be large), and what a reader should know (null when nothing).</summary>
public sealed record Timeline(Action<Stream> Write, string? Note)
{
    /// <summary>The timeline as JSON text (for a small one: a test, a preview).</summary>
    public string Json()
    {
        using var buffer = new MemoryStream();
        Write(buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
