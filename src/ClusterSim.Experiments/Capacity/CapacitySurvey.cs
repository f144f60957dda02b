using System.Globalization;
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

    private static CapacityRow Measure(CapacityQuery query, string hardware)
    {
        Experiment experiment;
        string? chosen = null;
        try
        {
            (experiment, chosen) = Load(query, hardware);
        }
        catch (ExperimentException e)
        {
            return new CapacityRow { Hardware = hardware, Refused = string.Join("; ", e.Problems.Select(Said)), BadInput = true };
        }

        ServingPoint serving = experiment.Points[0].Serving!;
        var deployment = serving.Replicas[0].Deployment;
        double? price = query.PricePerHour ?? deployment.Accelerator.PricePerHour;
        try
        {
            // A cell of one replica: the capacity of a replica, with nothing for a router to balance.
            var (tokens, _, run) = CellCapacity.MeasureRun(serving, 1, experiment.Seed);
            var m = run.Metrics;
            return new CapacityRow
            {
                Hardware = deployment.Accelerator.Id,
                Accelerators = deployment.Accelerators,
                OutputTokensPerSecond = tokens,
                RequestsPerSecond = tokens / Math.Max(1, m.OutputTokens / (double)Math.Max(1, m.Completed)),   // by the run's own mean output (a capped log-normal's is below the nominal)
                TtftP99Seconds = m.Ttft.Quantile(0.99),
                TpotP99Seconds = m.Tpot.Quantile(0.99),
                PricePerHour = price,
                UsdPerMillionTokens = price is { } p ? CellCapacity.UsdPerToken(p, deployment.Accelerators, tokens, query.Headroom) * 1e6 : null,
                Calibration = deployment.CalibrationName,
                SizeChosen = chosen,
                Warnings = [.. experiment.Warnings.Select(InOptions)],
            };
        }
        catch (UnmeetableSloException e)
        {
            return new CapacityRow { Hardware = deployment.Accelerator.Id, Refused = e.Message };
        }
    }

    /// <summary>
    /// The experiment for <paramref name="hardware"/>: at the query's tensor-parallel size, or, when it gives none, at the
    /// first size the deployment accepts, with a sentence saying which and why not 1 (null when 1 did). Throws the
    /// problems at one accelerator when no size is accepted.
    /// </summary>
    private static (Experiment Experiment, string? Chosen) Load(CapacityQuery query, string hardware)
    {
        if (query.TensorParallel is { } given)
        {
            return (ExperimentLoader.Parse(query.Yaml(hardware, given), "capacity.yaml"), null);
        }

        ExperimentException? atOne = null;
        foreach (int size in CapacityQuery.SizesTried)
        {
            try
            {
                Experiment experiment = ExperimentLoader.Parse(query.Yaml(hardware, size), "capacity.yaml");
                return (experiment, atOne is null ? null
                    : string.Create(CultureInfo.InvariantCulture, $"--tp {size}, the least of {string.Join(", ", CapacityQuery.SizesTried)} the deployment takes (--tp not given; at 1: {string.Join("; ", atOne.Problems.Select(Said))})"));
            }
            catch (ExperimentException e)
            {
                atOne ??= e;
            }
        }

        throw atOne!;
    }

    /// <summary>A message's advice in the command's terms: a key it names as the option that sets it.</summary>
    private static string InOptions(string message) => message.Replace("serving.max_model_len", "--max-model-len", StringComparison.Ordinal);

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
