using System.Globalization;
using System.Text.Json;
using ClusterSim.Core.Catalog;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// What the engines' offline benchmarks share (vLLM's <c>vllm bench throughput</c> and <c>vllm bench latency</c>,
/// SGLang's <c>bench_offline_throughput</c>): every request handed at once to an engine in the benchmark's own process,
/// the server named on the command line, and positive figures read from a printout or a JSON result.
/// </summary>
internal static class OfflineBenchmark
{
    /// <summary>
    /// A run of <paramref name="benchmark"/>'s, every request at once and in process on <paramref name="engine"/> (the
    /// setup's engine when it names one); the setup must name the model and the accelerator, which no such result records.
    /// </summary>
    public static MeasuredRun Run(ServingSetup setup, string source, int line, string experiment, string benchmark, string engine)
    {
        string model = setup.Model ?? throw new CatalogException(source, line, "model", $"{benchmark} does not record the model: give it (--model)");
        string gpu = setup.Gpu ?? throw new CatalogException(source, line, "gpu", $"{benchmark} does not record the accelerator: give it (--gpu)");
        return setup.Run(line, experiment, model, gpu) with
        {
            Engine = setup.Engine.Length > 0 ? setup.Engine : engine,
            InProcess = true,
            Arrival = "offline",
        };
    }

    /// <summary>A printed figure: a positive number, thousands separators allowed (<c>16,384</c>), a unit after it ignored.</summary>
    public static double Positive(string value, string source, int line, string field) =>
        double.TryParse(value.Split(' ', 2)[0].Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && number > 0 && double.IsFinite(number)
            ? number
            : throw new CatalogException(source, line, field, $"expected a positive number, got '{value}'");

    /// <summary>A JSON result's positive number <paramref name="name"/>.</summary>
    public static double Field(JsonElement root, string name, string source, int line) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.GetDouble() is var number && number > 0 && double.IsFinite(number)
            ? number
            : throw new CatalogException(source, line, name, "expected a positive number");

    /// <summary>A request count read as a number: whole, from 1 to 100,000,000.</summary>
    public static int Requests(double requests, string source, int line, string field) =>
        requests == Math.Floor(requests) && requests is >= 1 and <= 100_000_000
            ? (int)requests
            : throw new CatalogException(source, line, field, string.Create(CultureInfo.InvariantCulture, $"expected a whole number of requests from 1 to 100,000,000, got {requests}"));
}
