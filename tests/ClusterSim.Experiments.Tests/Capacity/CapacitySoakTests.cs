using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Capacity;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Capacity;

/// <summary>
/// Capacity queries drawn across the catalogs (any model on one to three accelerators, any format, engine and TP size,
/// lengths and SLOs from tight to loose): each accelerator is measured with finite, positive figures priced as its
/// catalog says, or refused with a reason in the command's terms (an option, or the deployment as a whole).
/// </summary>
public class CapacitySoakTests
{
    public static TheoryData<int> Seeds => SoakSeeds.Seeds(8);

    private static readonly string[] Options = [.. CapacityQuery.Options.Select(o => o.Option)];

    internal static CapacityQuery Query(int seed)
    {
        var random = new Random(seed);
        SimCatalog catalog = SimCatalog.Default;
        string[] models = [.. catalog.Models.All.Where(m => m.TotalParameters < 40e9).Select(m => m.Id)];
        string[] chips = [.. catalog.Hardware.All.Select(h => h.Id)];
        string Pick(string[] from) => from[random.Next(from.Length)];
        CapacityQuery query = new CapacityQuery
        {
            Model = Pick(models),
            Hardware = [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.NextDouble() < 0.7 ? Pick(["H100-SXM", "H200", "A100-80GB", "B200", "MI300X", "L40S", "L4"]) : Pick(chips)).Distinct()],
            TensorParallel = Pick(["1", "1", "2", "4", "8"]) is var tp ? int.Parse(tp, System.Globalization.CultureInfo.InvariantCulture) : 1,
            Weights = Pick(["bf16", "fp8", "int4", "fp4"]),
            Engine = Pick(["vllm", "sglang", "tensorrt-llm"]),
            PromptTokens = random.Next(16, 4000),
            OutputTokens = random.Next(2, 600),
            TtftSeconds = Math.Round(0.05 + (random.NextDouble() * 3), 3),
            TpotSeconds = Math.Round(0.01 + (random.NextDouble() * 0.2), 3),
            Headroom = random.NextDouble() < 0.5 ? 0 : 0.3,
            Requests = 200,
            Seed = seed,
        } is var drawn && random.NextDouble() < 0.4
            ? drawn with { PromptMedian = Math.Round(drawn.PromptTokens * (0.3 + (0.7 * random.NextDouble()))), OutputMedian = Math.Round(drawn.OutputTokens * (0.3 + (0.7 * random.NextDouble()))) }
            : drawn;   // log-normal lengths in some (drawn after the rest, so the other draws stay as they were)
        if (random.NextDouble() < 0.35)
        {
            // A prefill/decode unit in some, its decode replicas sometimes on another accelerator, its link sometimes given
            // (an accelerator without a network figure then needs it: refused at --kv-link).
            query = query with
            {
                Disaggregate = (random.Next(1, 4), random.Next(1, 4)),
                DecodeHardware = random.NextDouble() < 0.5 ? Pick(["H100-SXM", "H200", "B200", "MI300X", "L40S"]) : null,
                KvLinkGBps = random.NextDouble() < 0.5 ? 50 : null,
            };
            if (new Random(seed ^ 0xC0D) is var conditions && conditions.NextDouble() < 0.5)
            {
                // Conditional (its own stream: the other draws stay the seed's).
                query = query with { MaxLocalPrefill = conditions.Next(0, 3000), MaxPrefillQueue = conditions.NextDouble() < 0.5 ? conditions.Next(0, 5) : null };
            }
        }

        return query;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Each_accelerator_is_measured_or_refused_in_the_commands_terms(int seed)
    {
        CapacityQuery query = Query(seed);
        IReadOnlyList<CapacityRow> rows = CapacitySurvey.Run(query, workers: 2);
        Assert.Equal(query.Hardware.Count, rows.Count);
        foreach (CapacityRow row in rows)
        {
            if (row.Refused is { } reason)
            {
                Assert.False(string.IsNullOrWhiteSpace(reason));
                Assert.True(!row.BadInput || Options.Any(o => reason.StartsWith(o + ":", StringComparison.Ordinal)) || reason.StartsWith(query.Model, StringComparison.Ordinal) || !reason.Contains("serving.", StringComparison.Ordinal),
                    $"not in the command's terms: {reason}");
                continue;
            }

            Assert.True(row.OutputTokensPerSecond > 0 && double.IsFinite(row.OutputTokensPerSecond), $"{row.Hardware}: {row.OutputTokensPerSecond}");
            Assert.True(row.TtftP99Seconds > 0 && row.TpotP99Seconds >= 0, $"{row.Hardware}: {row.TtftP99Seconds}, {row.TpotP99Seconds}");
            double? ownPrice = SimCatalog.Default.Hardware.Get(row.Hardware).PricePerHour;
            if (query.Disaggregate is var (prefill, decode))
            {
                // A unit: both parts' accelerators, priced at the mean of their catalog prices, each pool's busy share apart.
                Assert.Equal((prefill + decode) * query.TensorParallel, row.Accelerators);
                double? decodePrice = query.DecodeHardware is { } other ? SimCatalog.Default.Hardware.Get(other).PricePerHour : ownPrice;
                double? mean = ownPrice is { } p && decodePrice is { } d ? ((prefill * p) + (decode * d)) / (prefill + decode) : null;
                Assert.Equal(mean is null, row.PricePerHour is null);
                Assert.Equal(mean ?? 0, row.PricePerHour ?? 0, 12);
                Assert.True(row.PoolUtilisation is ({ } pu, { } du) && pu is >= 0 and <= 1 && du is >= 0 and <= 1, $"{row.PoolUtilisation}");
                Assert.StartsWith($"{prefill} prefill + {decode} decode", row.Unit, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(query.TensorParallel, row.Accelerators);
                Assert.Equal(ownPrice, row.PricePerHour);
                Assert.Null(row.Unit);
            }

            if (row.PricePerHour is { } price)
            {
                Assert.Equal(price * row.Accelerators / (row.OutputTokensPerSecond * (1 - query.Headroom) * 3600) * 1e6, row.UsdPerMillionTokens!.Value, 9);
            }
            else
            {
                Assert.Null(row.UsdPerMillionTokens);
            }
        }
    }

    [Fact]
    public void Some_drawn_queries_are_measured()
    {
        CapacityRow[] rows = [.. Enumerable.Range(1, 8).SelectMany(seed => CapacitySurvey.Run(Query(seed), workers: 2)).Where(r => r.Refused is null)];
        Assert.True(rows.Length >= 3, $"{rows.Length} accelerators measured over 8 queries");
        Assert.Contains(rows, r => r.Unit is not null);   // a prefill/decode unit among them
    }
}
