using System.Globalization;
using System.Text;
using System.Text.Json;
using ClusterSim.Core.Cluster;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Results;

/// <summary>
/// Writes a shared cluster's placements in the Chrome trace-event format Perfetto opens: one process per pool, one
/// track per training job with its phases as slices (queued, restarting, running on N accelerators), and one counter
/// per deployment with the accelerators it holds of the pool.
/// </summary>
public static class ClusterPerfettoTrace
{
    /// <summary>The trace as JSON text.</summary>
    public static string Json(ClusterTraceRecorder trace, ClusterSpec spec)
    {
        using var buffer = new MemoryStream();
        Write(buffer, trace, spec);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the trace as JSON into <paramref name="stream"/>, as it goes.</summary>
    public static void Write(Stream stream, ClusterTraceRecorder trace, ClusterSpec spec)
    {
        var poolIndex = spec.Pools.Select((p, i) => (p.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        long horizon = (long)(spec.HorizonSeconds * 1e9);
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("displayTimeUnit", "ms");
            json.WriteStartArray("traceEvents");
            for (int p = 0; p < spec.Pools.Count; p++)
            {
                PerfettoTrace.Metadata(json, p, "process_name", string.Create(CultureInfo.InvariantCulture, $"pool {spec.Pools[p].Name} ({spec.Pools[p].Count:N0} × {spec.Pools[p].Accelerator.Id})"));
            }

            for (int j = 0; j < spec.Jobs.Count; j++)
            {
                int pid = poolIndex[spec.Jobs[j].Pool];
                PerfettoTrace.Metadata(json, pid, "thread_name", $"job {spec.Jobs[j].Name}", tid: j + 1);
                var changes = trace.Jobs.Where(c => c.Job == j).ToList();
                for (int k = 0; k < changes.Count; k++)
                {
                    var (time, _, phase, held) = changes[k];
                    long end = k + 1 < changes.Count ? changes[k + 1].Time : horizon;
                    if (phase is JobPhase.Waiting or JobPhase.Done || end <= time)
                    {
                        continue;
                    }

                    json.WriteStartObject();
                    json.WriteString("name", phase switch
                    {
                        JobPhase.Queued => "queued",
                        JobPhase.Restarting => string.Create(CultureInfo.InvariantCulture, $"restarting on {held:N0}"),
                        _ => string.Create(CultureInfo.InvariantCulture, $"running on {held:N0}"),
                    });
                    json.WriteString("ph", "X");
                    json.WriteNumber("pid", pid);
                    json.WriteNumber("tid", j + 1);
                    json.WriteNumber("ts", time / 1000.0);
                    json.WriteNumber("dur", (end - time) / 1000.0);
                    json.WriteStartObject("args");
                    json.WriteNumber("accelerators", held);
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
            }

            foreach (var (time, deployment, pool, accelerators) in trace.Deployments)
            {
                json.WriteStartObject();
                json.WriteString("name", $"{spec.Deployments[deployment].Name} accelerators");
                json.WriteString("ph", "C");
                json.WriteNumber("pid", pool);
                json.WriteNumber("ts", time / 1000.0);
                json.WriteStartObject("args");
                json.WriteNumber("held", accelerators);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        stream.Write("\n"u8);
    }
}
