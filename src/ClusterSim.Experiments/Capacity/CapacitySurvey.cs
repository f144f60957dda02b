using System.Globalization;
using ClusterSim.Core.Inference;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Running;

namespace ClusterSim.Experiments.Capacity;

/// <summary>
/// Runs a <see cref="CapacityQuery"/>: for each accelerator, the serving section it makes is loaded as an experiment file
/// is, and <see cref="CellCapacity"/> bisects the load of a simulated cell for the highest at which the SLO holds. Rows
/// come cheapest per token first, those without a price after them by capacity, refusals last.
/// </summary>
public static class CapacitySurvey
{
    /// <exception cref="ArgumentException">A price was given for several accelerators at once, or a speculative spec has not its shape.</exception>
    public static IReadOnlyList<CapacityRow> Run(CapacityQuery query, int workers)
    {
        if (query.PricePerHour is not null && query.Hardware.Count != 1)
        {
            throw new ArgumentException("--price-per-hour: applies to one accelerator; with several, each uses its catalog price");
        }

        if (query.Disaggregate is not null && query.DisaggregateUnit is not null)
        {
            throw new ArgumentException("--disaggregate: a split or a unit whose split is searched, not both");
        }

        if (query.DisaggregateUnit is < 2 or > CapacityQuery.LargestSearchedUnit)
        {
            throw new ArgumentException($"--disaggregate: auto:N searches the splits of a unit of N replicas, 2 to {CapacityQuery.LargestSearchedUnit}; got {query.DisaggregateUnit}");
        }

        if (query.Speculative is { } spec)
        {
            _ = CapacityQuery.SpeculativeSection(spec);   // its shape, once, before the accelerators are measured in parallel
        }

        var rows = new CapacityRow[query.Hardware.Count];
        Parallel.For(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers) }, i => rows[i] = Measure(query, query.Hardware[i]));
        return [.. rows
            .OrderBy(r => r.Refused is null ? 0 : 1)
            .ThenBy(r => r.UsdPerMillionTokens is null ? 1 : 0)
            .ThenBy(r => r.UsdPerMillionTokens ?? 0)
            .ThenByDescending(r => r.OutputTokensPerSecond)];
    }

    private static CapacityRow Measure(CapacityQuery query, string hardware) =>
        query.DisaggregateUnit is { } unit ? BestSplit(query, hardware, unit) : MeasureSized(query, hardware);

    /// <summary>
    /// Every split of a unit of <paramref name="replicas"/> replicas measured on <paramref name="hardware"/>, the cheapest per
    /// token kept (the most tokens a second per chip without a price), with a note pricing each split.
    /// </summary>
    private static CapacityRow BestSplit(CapacityQuery query, string hardware, int replicas)
    {
        CapacityRow[] tried = [.. Enumerable.Range(1, replicas - 1).Select(p => MeasureSized(query with { DisaggregateUnit = null, Disaggregate = (p, replicas - p) }, hardware))];
        if (tried.FirstOrDefault(r => r.BadInput) is { } mistaken)
        {
            return mistaken;   // the options' own mistake, the same at every split
        }

        CapacityRow? best = null;
        foreach (CapacityRow row in tried.Where(r => r.Refused is null))
        {
            best = best is null || Better(row, best) ? row : best;
        }

        string Split(CapacityRow r, int i) => string.Create(CultureInfo.InvariantCulture, $"{i + 1}:{replicas - i - 1}");
        if (best is null)
        {
            return tried[0] with { Refused = $"{tried[0].Refused}; every split of {replicas} replicas tried ({string.Join(", ", tried.Select(Split))}) misses it" };
        }

        bool priced = AllPriced(tried);
        string each = string.Join(", ", tried.Select((r, i) => $"{Split(r, i)}: {Figure(r, priced)}"));
        return best with
        {
            SplitChosen = $"{Split(best, Array.IndexOf(tried, best))}, the {(priced ? "cheapest per million output tokens" : "most output tokens a second per chip")} of the splits of {replicas} replicas tried ({each})",
        };
    }

    private static CapacityRow MeasureSized(CapacityQuery query, string hardware)
    {
        if (query.TensorParallel is { } given)
        {
            try
            {
                return MeasureAt(query, ExperimentLoader.Parse(query.Yaml(hardware, given), "capacity.yaml"));
            }
            catch (ExperimentException e)
            {
                return Mistaken(hardware, e);
            }
        }

        // No size given: from the least that holds the model, doubling within a scale-up domain, keep the cheapest per
        // token (the most tokens a second per chip without a price) and stop at the first size that does worse.
        int least;
        Experiment first;
        ExperimentException? atOne;
        try
        {
            (least, first, atOne) = Least(query, hardware);
        }
        catch (ExperimentException e)
        {
            return Mistaken(hardware, e);
        }

        int domain = Math.Max(least, first.Points[0].Serving!.Replicas[0].Deployment.Accelerator.ScaleUpDomain ?? DefaultDomain);
        var tried = new List<CapacityRow>();
        CapacityRow? best = null;
        for (int size = least; size <= domain && size <= least * LargestOverLeast; size *= 2)
        {
            CapacityRow row;
            try
            {
                row = MeasureAt(query, size == least ? first : ExperimentLoader.Parse(query.Yaml(hardware, size), "capacity.yaml"));
            }
            catch (ExperimentException)
            {
                continue;   // a size the model's heads or experts do not divide by
            }

            tried.Add(row);
            if (row.Refused is not null)
            {
                continue;   // no load meets the SLO at this size: a larger one may
            }

            if (best is not null && !Better(row, best))
            {
                break;
            }

            best = row;
        }

        if (best is null)
        {
            // No size meets the SLO: the least's answer, and which larger ones missed it too.
            return tried.Count == 1 ? tried[0]
                : tried[0] with { Refused = string.Create(CultureInfo.InvariantCulture, $"{tried[0].Refused}; every size tried ({string.Join(", ", tried.Select(r => r.Size))}) misses it") };
        }

        return best with { SizeChosen = SizeChosen(best, tried, least, atOne) };
    }

    /// <summary>True when every row measured has a price, so the notes compare dollars (else tokens a second per chip).</summary>
    private static bool AllPriced(IEnumerable<CapacityRow> tried) => tried.All(r => r.Refused is not null || r.UsdPerMillionTokens is not null);

    /// <summary>A row tried, as a note prices it: its dollars per million output tokens, its tokens a second per chip, or the SLO missed.</summary>
    private static string Figure(CapacityRow r, bool priced) => r.Refused is not null ? "SLO not met"
        : priced ? string.Create(CultureInfo.InvariantCulture, $"${r.UsdPerMillionTokens:0.000}")
        : string.Create(CultureInfo.InvariantCulture, $"{r.OutputTokensPerSecond / r.Accelerators:0} tok/s a chip");

    /// <summary>The largest size tried, as a multiple of the least that holds the model (the least and up to three doublings).</summary>
    private const int LargestOverLeast = 8;

    /// <summary>The row of an accelerator whose query the loader refused: its problems in the command's terms.</summary>
    private static CapacityRow Mistaken(string hardware, ExperimentException e) =>
        new() { Hardware = hardware, Refused = string.Join("; ", e.Problems.Select(Said)), BadInput = true };

    /// <summary>The scale-up domain taken for an accelerator whose catalog row gives none: an eight-GPU server.</summary>
    private const int DefaultDomain = 8;

    /// <summary>True when <paramref name="row"/> serves a token cheaper than <paramref name="than"/> (or, unpriced, more tokens a second per chip).</summary>
    private static bool Better(CapacityRow row, CapacityRow than) => row.UsdPerMillionTokens is { } cost && than.UsdPerMillionTokens is { } other
        ? cost < other
        : row.OutputTokensPerSecond / row.Accelerators > than.OutputTokensPerSecond / than.Accelerators;

    /// <summary>How the size of <paramref name="chosen"/> was chosen, for a note; null when it is one accelerator (the model fits one, and no more did better).</summary>
    private static string? SizeChosen(CapacityRow chosen, IReadOnlyList<CapacityRow> tried, int least, ExperimentException? atOne)
    {
        string why = atOne is null ? string.Empty : $"; at 1: {string.Join("; ", atOne.Problems.Select(Said))}";
        if (chosen.Size == 1)
        {
            return null;
        }

        if (tried.Count == 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"--tp {least}, the least of {string.Join(", ", CapacityQuery.SizesTried)} the deployment takes (--tp not given{why})");
        }

        bool priced = AllPriced(tried);
        string each = string.Join(", ", tried.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Size}: {Figure(r, priced)}")));
        return string.Create(CultureInfo.InvariantCulture,
            $"--tp {chosen.Size}, the {(priced ? "cheapest per million output tokens" : "most output tokens a second per chip")} of the sizes tried ({each}{why})");
    }

    /// <summary>
    /// A replica of <paramref name="experiment"/>'s deployment (disaggregated: a unit of its prefill and decode replicas)
    /// measured at the SLO, or why no load meets it.
    /// </summary>
    private static CapacityRow MeasureAt(CapacityQuery query, Experiment experiment)
    {
        ServingPoint serving = experiment.Points[0].Serving!;
        var deployment = serving.Replicas[0].Deployment;
        bool unit = serving.Disaggregation is not null;

        // A unit's accelerators and price: each group's replicas at their own accelerator's price (the query's for the row's own).
        int accelerators = unit ? serving.Replicas.Sum(g => g.Count * g.Deployment.Accelerators) : deployment.Accelerators;
        double?[] groupPrices = [.. serving.Replicas.Select(g => g.Deployment.Accelerator.Id == deployment.Accelerator.Id ? query.PricePerHour ?? g.Deployment.Accelerator.PricePerHour : g.Deployment.Accelerator.PricePerHour)];
        double? price = !unit ? groupPrices[0]
            : groupPrices.Any(p => p is null) ? null
            : serving.Replicas.Select((g, i) => g.Count * g.Deployment.Accelerators * groupPrices[i]!.Value).Sum() / accelerators;
        try
        {
            // A cell of one replica (or one unit): its capacity, with nothing for a router to balance.
            (double tokens, _, ServingResult run) = unit ? CellCapacity.MeasureUnitsRun(serving, 1, experiment.Seed) : CellCapacity.MeasureRun(serving, 1, experiment.Seed);
            var m = run.Metrics;
            return new CapacityRow
            {
                Hardware = deployment.Accelerator.Id,
                Accelerators = accelerators,
                Size = deployment.Accelerators,
                Unit = unit ? UnitSaid(serving) : null,
                PoolUtilisation = run.PoolUtilisation,
                OutputTokensPerSecond = tokens,
                RequestsPerSecond = tokens / Math.Max(1, m.OutputTokens / (double)Math.Max(1, m.Completed)),   // by the run's own mean output (a capped log-normal's is below the nominal)
                TtftP99Seconds = m.Ttft.Quantile(0.99),
                TpotP99Seconds = m.Tpot.Quantile(0.99),
                PricePerHour = price,
                UsdPerMillionTokens = price is { } p ? CellCapacity.UsdPerToken(p, accelerators, tokens, query.Headroom) * 1e6 : null,
                Calibration = string.Join(" + ", serving.Replicas.Select(g => g.Deployment.CalibrationName).Distinct(StringComparer.Ordinal)),   // a unit's decode part may run on another row
                Warnings = [.. experiment.Warnings.Select(InOptions)],
            };
        }
        catch (UnmeetableSloException e)
        {
            return new CapacityRow { Hardware = deployment.Accelerator.Id, Accelerators = accelerators, Size = deployment.Accelerators, Refused = e.Message };
        }
    }

    /// <summary>
    /// A unit as the table says it: "3 prefill + 5 decode", "… on H200", "… at TP 2" (the decode part's accelerator and size
    /// where they differ), "…, local ≤ 1000 tokens or ≥ 2 queued" (a conditional split's rule; either part alone, "local when ≥ 2 queued").
    /// </summary>
    private static string UnitSaid(ServingPoint serving)
    {
        var prefill = serving.Replicas[0].Deployment;
        var decode = serving.Replicas[^1].Deployment;
        int prefillReplicas = serving.Disaggregation!.PrefillReplicas;
        int decodeReplicas = serving.Replicas.Sum(g => g.Count) - prefillReplicas;
        string decodeShape = (decode.Accelerator.Id != prefill.Accelerator.Id, decode.Accelerators != prefill.Accelerators) switch
        {
            (true, true) => $" on {decode.Accelerator.Id} TP {decode.Accelerators}",
            (true, false) => $" on {decode.Accelerator.Id}",
            (false, true) => $" at TP {decode.Accelerators}",
            _ => string.Empty,
        };
        Disaggregation split = serving.Disaggregation;
        string conditional = (split.MaxLocalPrefillTokens, split.MaxPrefillQueue) switch
        {
            (> 0 and int tokens, int queue) => $", local ≤ {tokens} tokens or ≥ {queue} queued",
            (> 0 and int tokens, null) => $", local ≤ {tokens} tokens",
            (_, int queue) => $", local when ≥ {queue} queued",
            _ => string.Empty,
        };
        return string.Create(CultureInfo.InvariantCulture, $"{prefillReplicas} prefill + {decodeReplicas} decode{decodeShape}{conditional}");
    }

    /// <summary>
    /// The least of <see cref="CapacityQuery.SizesTried"/> the deployment on <paramref name="hardware"/> accepts, its
    /// experiment, and the problems at one accelerator when it is not 1. Throws those problems when no size is accepted.
    /// </summary>
    private static (int Size, Experiment Experiment, ExperimentException? AtOne) Least(CapacityQuery query, string hardware)
    {
        ExperimentException? atOne = null, atLargest = null;
        foreach (int size in CapacityQuery.SizesTried)
        {
            try
            {
                return (size, ExperimentLoader.Parse(query.Yaml(hardware, size), "capacity.yaml"), atOne);
            }
            catch (ExperimentException e)
            {
                atOne ??= e;
                atLargest = e;
            }
        }

        // No size is taken. When one accelerator is refused only for its size (the model does not fit), why the largest
        // was refused too (a group wider than the network allows); otherwise the options' own mistakes, said once.
        string[] first = [.. atOne!.Problems.Select(p => p.Message)];
        bool onlySize = atOne.Problems.All(p => p.Path == "serving");
        throw !onlySize || atLargest!.Problems.All(p => first.Contains(p.Message, StringComparer.Ordinal))
            ? atOne
            : new ExperimentException([.. atOne.Problems, .. atLargest.Problems.Where(p => !first.Contains(p.Message, StringComparer.Ordinal))]);
    }

    /// <summary>A message's advice in the command's terms: a key it names as the option that sets it.</summary>
    private static string InOptions(string message) => message
        .Replace("serving.max_model_len", "--max-model-len", StringComparison.Ordinal)
        .Replace("give kv_link_gb_s", "give --kv-link", StringComparison.Ordinal);

    /// <summary>A problem of the file made for the query, said in the command's terms (the option it came from).</summary>
    private static string Said(ExperimentProblem problem)
    {
        foreach (var (path, option) in CapacityQuery.Options)
        {
            if (problem.Path == path || problem.Path.StartsWith(path + ".", StringComparison.Ordinal) || problem.Path.StartsWith(path + " ", StringComparison.Ordinal))
            {
                return $"{option}: {InOptions(problem.Message)}";
            }
        }

        // The deployment as a whole (a size that does not fit, a split the heads do not allow): its keys as options.
        return problem.Path == "serving"
            ? problem.Message.Replace("(tensor_parallel x pipeline_parallel)", "(--tp)", StringComparison.Ordinal).Replace("tensor_parallel", "--tp", StringComparison.Ordinal)
            : $"{problem.Path}: {problem.Message}";
    }
}
