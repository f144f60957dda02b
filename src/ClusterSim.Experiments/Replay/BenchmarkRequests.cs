using System.Text.Json;
using ClusterSim.Core.Catalog;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// The per-request lists a detailed benchmark result carries (vLLM's <c>--save-detailed</c> and its older
/// <c>benchmark_serving.py</c>, SGLang's <c>--output-details</c>): each request's lengths and latencies in sending order,
/// less the requests its <c>errors</c> list as failed. A malformed list is an error naming the file, line and field.
/// </summary>
internal static class BenchmarkRequests
{
    /// <summary>Each request's prompt and output length (<c>input_lens</c>, <c>output_lens</c>); null when the result gives only totals.</summary>
    public static RequestLengths.Recorded? Lengths(JsonElement root, string source, int line)
    {
        int[]? input = Counts(root, "input_lens", source, line);
        int[]? output = Counts(root, "output_lens", source, line);
        if (input is null || output is null)
        {
            return null;
        }

        if (input.Length != output.Length)
        {
            throw new CatalogException(source, line, "output_lens", $"lists {output.Length} requests where input_lens lists {input.Length}: expected one length each");
        }

        bool[] failed = Failed(root, input.Length);
        var keptInput = new List<int>(input.Length);
        var keptOutput = new List<int>(input.Length);
        for (int i = 0; i < input.Length; i++)
        {
            if (!failed[i])
            {
                keptInput.Add(input[i]);
                keptOutput.Add(output[i]);
            }
        }

        return keptInput.Count == 0 ? null : new RequestLengths.Recorded(keptInput, keptOutput);
    }

    /// <summary>Which of <paramref name="count"/> requests the result's <c>errors</c> list as failed (none when it lists no errors).</summary>
    private static bool[] Failed(JsonElement root, int count)
    {
        bool[] failed = new bool[count];
        if (root.TryGetProperty("errors", out JsonElement errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() == count)
        {
            int i = 0;
            foreach (JsonElement error in errors.EnumerateArray())
            {
                failed[i++] = error.ValueKind == JsonValueKind.String && error.GetString() is { Length: > 0 };
            }
        }

        return failed;
    }

    /// <summary>
    /// Each request's latencies where the result lists them (<c>ttfts</c> in seconds and <c>itls</c>, each request's gaps
    /// between tokens in seconds): its end-to-end latency is its TTFT plus its gaps. Null when either list is missing.
    /// </summary>
    public static RequestLatencies? Latencies(JsonElement root, string source, int line)
    {
        if (!root.TryGetProperty("ttfts", out JsonElement ttfts) || ttfts.ValueKind != JsonValueKind.Array
            || !root.TryGetProperty("itls", out JsonElement itls) || itls.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        int count = ttfts.GetArrayLength();
        if (itls.GetArrayLength() != count)
        {
            throw new CatalogException(source, line, "itls", $"lists {itls.GetArrayLength()} requests where ttfts lists {count}: expected one list of gaps each");
        }

        bool[] failed = Failed(root, count);
        var ttft = new List<double>(count);
        var e2e = new List<double>(count);
        int i = 0;
        foreach ((JsonElement first, JsonElement gaps) in ttfts.EnumerateArray().Zip(itls.EnumerateArray()))
        {
            if (!failed[i])
            {
                double seconds = first.ValueKind == JsonValueKind.Number ? first.GetDouble()
                    : throw new CatalogException(source, line, "ttfts", $"item {i + 1}: expected seconds, got {Abbreviated(first.GetRawText())}");
                double total = seconds;
                if (gaps.ValueKind != JsonValueKind.Array)
                {
                    throw new CatalogException(source, line, "itls", $"item {i + 1}: expected a list of gaps in seconds, got {Abbreviated(gaps.GetRawText())}");
                }

                foreach (JsonElement gap in gaps.EnumerateArray())
                {
                    total += gap.ValueKind == JsonValueKind.Number ? gap.GetDouble()
                        : throw new CatalogException(source, line, "itls", $"item {i + 1}: expected gaps in seconds, got {Abbreviated(gap.GetRawText())}");
                }

                ttft.Add(seconds * 1e3);
                e2e.Add(total * 1e3);
            }

            i++;
        }

        return ttft.Count == 0 ? null : new RequestLatencies([.. ttft], [.. e2e]);
    }

    private static int[]? Counts(JsonElement root, string name, string source, int line)
    {
        if (!root.TryGetProperty(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() == 0)
        {
            throw new CatalogException(source, line, name, $"expected a list of token counts, one a request, got {Abbreviated(e.GetRawText())}");
        }

        var lengths = new int[e.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out int tokens) || tokens < 0)
            {
                throw new CatalogException(source, line, name, $"item {i + 1}: expected a whole number of tokens >= 0, got {Abbreviated(item.GetRawText())}");
            }

            lengths[i++] = tokens;
        }

        return lengths;
    }

    private static string Abbreviated(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 37), "...");
}
