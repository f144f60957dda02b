using System.Text;
using System.Text.Json;
using ClusterSim.Core.Inference;

namespace ClusterSim.Experiments.Results;

/// <summary>
/// Writes a recorded serving run in the Chrome trace-event format that Perfetto (ui.perfetto.dev) and
/// chrome://tracing open: one process per replica, iterations as slices, requests as async spans split into
/// waiting-and-prefill and decode.
/// </summary>
public static class PerfettoTrace
{
    /// <summary>The trace as JSON text.</summary>
    public static string Json(ServingTraceRecorder trace)
    {
        using var buffer = new MemoryStream();
        Write(buffer, trace);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the trace as JSON into <paramref name="stream"/>, as it goes.</summary>
    public static void Write(Stream stream, ServingTraceRecorder trace)
    {
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("displayTimeUnit", "ms");
            json.WriteStartArray("traceEvents");
            foreach (int replica in trace.Iterations.Select(i => i.Replica).Concat(trace.Requests.Select(r => r.Replica)).Distinct().Order())
            {
                Metadata(json, replica, "process_name", $"replica {replica}");
            }

            foreach (var it in trace.Iterations)
            {
                json.WriteStartObject();
                json.WriteString("name", it.Iterations > 1 ? $"{it.Iterations} decode iterations" : "iteration");
                json.WriteString("ph", "X");
                json.WriteNumber("pid", it.Replica);
                json.WriteNumber("tid", 0);
                json.WriteNumber("ts", it.Start / 1000.0);
                json.WriteNumber("dur", (it.End - it.Start) / 1000.0);
                json.WriteStartObject("args");
                json.WriteNumber("sequences", it.Sequences);
                json.WriteNumber("iterations", it.Iterations);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            int id = 0;
            foreach (var r in trace.Requests)
            {
                id++;
                Async(json, r.Replica, id, "waiting + prefill", r.Arrival, r.FirstToken, r.Prompt, r.Output);
                Async(json, r.Replica, id, "decode", r.FirstToken, r.End, r.Prompt, r.Output);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        stream.Write("\n"u8);
    }

    /// <summary>A metadata event naming a process (<c>process_name</c>) or, with <paramref name="tid"/>, a thread (<c>thread_name</c>).</summary>
    internal static void Metadata(Utf8JsonWriter json, int pid, string name, string value, int? tid = null)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("ph", "M");
        json.WriteNumber("pid", pid);
        if (tid is { } t)
        {
            json.WriteNumber("tid", t);
        }

        json.WriteStartObject("args");
        json.WriteString("name", value);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Async(Utf8JsonWriter json, int pid, int id, string name, long start, long end, int prompt, int output)
    {
        foreach (var (phase, time) in new[] { ("b", start), ("e", end) })
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("cat", "request");
            json.WriteString("ph", phase);
            json.WriteNumber("id", id);
            json.WriteNumber("pid", pid);
            json.WriteNumber("tid", 1);
            json.WriteNumber("ts", time / 1000.0);
            if (phase == "b")
            {
                json.WriteStartObject("args");
                json.WriteNumber("prompt_tokens", prompt);
                json.WriteNumber("output_tokens", output);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }
    }
}
