using ClusterSim.Core.Metrics;

namespace ClusterSim.Core.Inference;

/// <summary>The latency figures of one <see cref="RequestClass"/>: its completed requests, their SLO attainment and latency sketches.</summary>
public sealed class ClassMetrics(RequestClass requestClass)
{
    /// <summary>The class these figures are of.</summary>
    public RequestClass Class { get; } = requestClass;

    /// <summary>Requests of the class completed within the client's patience (after warm-up).</summary>
    public long Completed { get; private set; }

    /// <summary>Of those, the ones that met both SLO bounds.</summary>
    public long MeetingSlo { get; private set; }

    /// <summary>Times a request of the class was preempted (over all requests, warm-up included).</summary>
    public long Preemptions { get; private set; }

    /// <summary>Counts one preemption of a request of the class.</summary>
    public void RecordPreemption() => Preemptions++;

    /// <summary>Time to first token, s.</summary>
    public QuantileSketch Ttft { get; } = new();

    /// <summary>Time per output token after the first, s (requests of more than one output token).</summary>
    public QuantileSketch Tpot { get; } = new();

    /// <summary>Arrival to last token, s.</summary>
    public QuantileSketch EndToEnd { get; } = new();

    /// <summary>Records one completed request of the class.</summary>
    public void Record(double ttft, double e2e, double tpot, bool hasTpot, bool metSlo)
    {
        Completed++;
        MeetingSlo += metSlo ? 1 : 0;
        Ttft.Add(ttft);
        EndToEnd.Add(e2e);
        if (hasTpot)
        {
            Tpot.Add(tpot);
        }
    }

    /// <summary>The class's named scalars (<c>class.NAME.ttft_p99_s</c>, ...), in a stable order.</summary>
    public IEnumerable<(string Name, double Value)> Scalars()
    {
        string p = $"class.{Class.Name}.";
        yield return (p + "requests_completed", Completed);
        yield return (p + "slo_attainment", Completed == 0 ? 0 : MeetingSlo / (double)Completed);
        yield return (p + "preemptions", Preemptions);
        yield return (p + "ttft_p50_s", Ttft.Quantile(0.50));
        yield return (p + "ttft_p99_s", Ttft.Quantile(0.99));
        yield return (p + "tpot_p50_s", Tpot.Quantile(0.50));
        yield return (p + "tpot_p99_s", Tpot.Quantile(0.99));
        yield return (p + "e2e_p50_s", EndToEnd.Quantile(0.50));
        yield return (p + "e2e_p99_s", EndToEnd.Quantile(0.99));
    }
}
