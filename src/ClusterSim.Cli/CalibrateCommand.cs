using System.CommandLine;
using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Calibration;
using ClusterSim.Experiments.Replay;

namespace ClusterSim.Cli;

/// <summary>`clustersim calibrate MEASURED.csv -o calibration.csv`: fit the step-time factors to a user's own measured runs.</summary>
internal static class CalibrateCommand
{
    public static Command Build()
    {
        var inputs = new MeasuredInputs();
        var output = new Option<string>("--output", "-o") { Description = "Calibration CSV to write (use it with catalog: { calibration: FILE }).", Required = true };
        var hardware = new Option<string?>("--hardware") { Description = "Only the runs on this accelerator (an id or alias from the hardware catalog)." };
        var precision = new Option<string?>("--precision") { Description = "Only the runs computing in this precision (bf16, fp8, int8, int4)." };
        var parameters = new Option<string>("--parameters") { Description = "Factors to fit, comma-separated.", DefaultValueFactory = _ => Calibrator.DefaultParameters };
        var leaveOneOut = new Option<bool>("--leave-one-out") { Description = "Also refit without each experiment in turn and report its held-out errors (slower)." };
        var evaluations = new Option<int>("--max-evaluations") { Description = "Simulations per fit at most.", DefaultValueFactory = _ => 300 };
        var starts = new Option<int>("--starts") { Description = "Search from this many starting points and keep the best fit (each costs a fit's simulations).", DefaultValueFactory = _ => 1 };
        var metrics = new Option<string>("--metrics")
        {
            Description = $"Measured metrics the fit scores, comma-separated: {FitMetricsParser.Known} (default: the mean latencies, or the output throughput of a run that publishes none; ttft-median where a mean TTFT is set by a few stalls).",
            DefaultValueFactory = _ => "ttft,itl,e2e",
        };
        var calibration = new Option<string?>("--calibration") { Description = "A calibration CSV (from an earlier `clustersim calibrate`) whose rows give the factors this fit leaves alone: fit in stages, e.g. a serving stack's overheads on one GPU, then its collectives on two." };
        var command = new Command("calibrate", "Fit the step-time model's factors to measured serving runs, print the fit and its errors, and write a calibration CSV.")
        {
            output, hardware, precision, parameters, metrics, leaveOneOut, evaluations, starts, calibration,
        };
        inputs.AddTo(command);
        command.SetAction(result =>
        {
            if (!inputs.TryRead(result, result.GetValue(calibration), out IReadOnlyList<MeasuredRun>? runs, out SimCatalog? catalog))
            {
                return ExitCodes.InvalidInput;
            }

            IReadOnlyList<FitParameter> fitted;
            try
            {
                fitted = FitParameter.Parse(result.GetValue(parameters)!);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"error: --parameters: {e.Message}");
                return ExitCodes.InvalidInput;
            }

            FitMetrics scored;
            try
            {
                scored = FitMetricsParser.Parse(result.GetValue(metrics)!);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"error: --metrics: {e.Message}");
                return ExitCodes.InvalidInput;
            }

            if (result.GetValue(starts) < 1 || result.GetValue(evaluations) < 1)
            {
                Console.Error.WriteLine($"error: --starts and --max-evaluations must be at least 1, got {result.GetValue(starts)} and {result.GetValue(evaluations)}");
                return ExitCodes.InvalidInput;
            }

            var (cases, skipped) = ReplayCase.Build(runs, catalog);
            if (result.GetValue(hardware) is string chip)
            {
                if (!catalog.Hardware.TryResolve(chip, out AcceleratorSpec spec))
                {
                    Console.Error.WriteLine($"error: --hardware: unknown accelerator '{chip}'{ClosestName.Hint(chip, catalog.Hardware.Ids)}");
                    return ExitCodes.InvalidInput;
                }

                cases = cases.Where(c => c.Deployment.Accelerator.Id == spec.Id).ToList();
            }

            if (result.GetValue(precision) is string format)
            {
                if (!Enum.TryParse(format, ignoreCase: true, out Precision wanted) || !Enum.IsDefined(wanted))
                {
                    Console.Error.WriteLine($"error: --precision: '{format}' is not one of bf16, fp8, int8, int4");
                    return ExitCodes.InvalidInput;
                }

                cases = cases.Where(c => c.Deployment.ComputePrecision == wanted).ToList();
            }

            foreach (var (experiment, reason) in skipped)
            {
                Console.WriteLine($"skipped {experiment}: {reason}");
            }

            if (cases.Count == 0)
            {
                Console.Error.WriteLine("error: no measured run can be simulated with these filters (see the skipped runs above)");
                return ExitCodes.InvalidInput;
            }

            var rows = new List<ServingCalibration>();
            var unfitted = new List<string>();
            // Each engine's runs are fitted apart and written under the row that engine looks up (hopper-trtllm for TensorRT-LLM's).
            foreach (var group in cases.GroupBy(c => (Id: CalibrationCatalog.RowId(c.Deployment.Accelerator, c.Deployment.Engine), c.Deployment.ComputePrecision)))
            {
                var members = group.ToList();
                string row = $"{group.Key.Id}/{group.Key.ComputePrecision.ToString().ToLowerInvariant()}";
                if (!members.Any(c => c.FitRows.Any()))
                {
                    unfitted.Add($"{row}: {Calibrator.NothingToFit}");
                    continue;
                }

                if (!members.Any(c => c.FitRows.Any(r => Calibrator.Measured(r, scored))))
                {
                    unfitted.Add($"{row}: {Calibrator.NoMetricOf(scored)}");
                    continue;
                }

                Console.WriteLine($"fitting {row} on {members.Count} experiment(s): {string.Join(", ", members.Select(c => c.Experiment))}");
                if (members.Any(c => c.V0InProcessHostCosts) && fitted.Any(p => p.Name is "step_overhead_ms" or "sequence_overhead_us"))
                {
                    // Not silent: those runs keep V0's in-process host costs whatever the fit sets, so they cannot pin it.
                    Console.Error.WriteLine($"warning: {row}: {string.Join(", ", members.Where(c => c.V0InProcessHostCosts).Select(c => c.Experiment))} run vLLM's V0 engine in the client's process, whose step and sequence overheads are VllmV0InProcess's; the fitted step_overhead_ms and sequence_overhead_us apply to the other runs only (give such a row vllm_entry server to fit them on it)");
                }

                // Unfitted factors keep the catalog's values; fitted ones start from the neutral point, so the fit is reproducible.
                EfficiencyFactors start = members[0].Calibration.Factors;
                foreach (FitParameter p in fitted)
                {
                    start = p.Set(start, p.Get(Calibrator.NeutralStart));
                }

                CalibrationFit fit = Calibrator.Fit(members, start, fitted, maxEvaluations: result.GetValue(evaluations), starts: result.GetValue(starts), metrics: scored);

                EfficiencyFactors factors = Kept(fit, fitted, members[0].Calibration.Factors);
                List<FitParameter> held = [.. fitted.Where(p => !fit.Parameters.Contains(p))];

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {fit.Evaluations} simulations, mean squared log error {fit.Objective:0.#####}{(scored == FitMetrics.Default ? string.Empty : $" over {FitMetricsParser.Format(scored)}")}"));
                foreach (FitParameter p in FitParameter.All)
                {
                    string mark = fit.Parameters.Contains(p) ? "  (fitted)" : held.Contains(p) ? "  (not fitted: no run of this group depends on it)" : string.Empty;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {p.Name,-22} {p.Get(factors),10:0.####}{mark}"));
                }

                rows.Add(new ServingCalibration
                {
                    Id = group.Key.Id,
                    Precision = group.Key.ComputePrecision,
                    Factors = factors,
                    FittedOn = string.Join(' ', members.SelectMany(c => c.FitRows).Select(r => r.Name)),
                    FittedRelease = OneRelease(members),
                    Source = $"{ServingCalibration.UserFitSource} {string.Join(' ', members.Select(c => c.Rows[0].Experiment).Take(3))}{(members.Count > 3 ? " ..." : string.Empty)}{(scored == FitMetrics.Default ? string.Empty : $" (scored on {FitMetricsParser.Format(scored)})")}",
                });

                var fittedCases = members.Select(c => c with { Deployment = c.Deployment with { Efficiency = factors } }).ToList();
                ReplayReport inSample = ReplayReport.Run(fittedCases, []);
                Console.WriteLine();
                Console.Write(ReplayTable.Markdown(inSample));
                if (result.GetValue(leaveOneOut) && members.Count > 2)
                {
                    PrintLeaveOneOut(members, start, fitted, result.GetValue(evaluations), result.GetValue(starts), scored);
                }
            }

            // A row that cannot be fitted is left out of the file (and said); with none fitted there is no file to write.
            foreach (string reason in unfitted)
            {
                Console.Error.WriteLine(rows.Count == 0 ? $"error: {reason}" : $"warning: not written: {reason}");
            }

            if (rows.Count == 0)
            {
                return ExitCodes.InvalidInput;
            }

            try
            {
                File.WriteAllText(result.GetValue(output)!, CalibrationCsv.Write(rows));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: cannot write {result.GetValue(output)}: {e.Message}");
                return ExitCodes.RunFailed;
            }

            Console.WriteLine($"wrote {result.GetValue(output)}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// The fitted factors, with each one asked for that no run fitted depends on (<see cref="Calibrator.Bearing"/>) at the
    /// catalog's value rather than the neutral start the fit began from.
    /// </summary>
    private static EfficiencyFactors Kept(CalibrationFit fit, IReadOnlyList<FitParameter> asked, EfficiencyFactors catalog) =>
        asked.Where(p => !fit.Parameters.Contains(p)).Aggregate(fit.Factors, (f, p) => p.Set(f, p.Get(catalog)));

    /// <summary>Refits without each experiment (from the same start and budget as the full fit) and replays it with factors that never saw it.</summary>
    private static void PrintLeaveOneOut(IReadOnlyList<ReplayCase> members, EfficiencyFactors start, IReadOnlyList<FitParameter> fitted, int evaluations, int starts, FitMetrics metrics)
    {
        var outcomes = new List<ReplayOutcome>();
        foreach (ReplayCase held in members)
        {
            var others = members.Where(c => c != held).ToList();
            if (!others.Any(c => c.FitRows.Any()))
            {
                // Only overloaded runs are left: there is nothing to fit without this one, so it cannot be held out.
                Console.WriteLine($"  without {held.Experiment}: not fitted (the others are all overloaded runs), so it is not held out");
                continue;
            }

            CalibrationFit fit = Calibrator.Fit(others, start, fitted, maxEvaluations: evaluations, starts: starts, metrics: metrics);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  without {held.Experiment}: {fit.Evaluations} simulations, error {fit.Objective:0.#####}, {string.Join(", ", fit.Parameters.Select(p => $"{p.Name} {p.Get(fit.Factors):0.####}"))}"));
            outcomes.AddRange(ReplayReport.Run([held with { Deployment = held.Deployment with { Efficiency = Kept(fit, fitted, held.Calibration.Factors) } }], []).Outcomes);
        }

        var report = new ReplayReport(outcomes, []);
        Console.WriteLine();
        Console.WriteLine("leave-one-experiment-out (each experiment predicted by factors fitted without it):");
        Console.Write(ReplayTable.Markdown(report));
    }

    /// <summary>The engine release every fitted run names, written into the row (empty when they name none, or several).</summary>
    private static string OneRelease(IReadOnlyList<ReplayCase> members)
    {
        var releases = members.Select(c => c.Deployment.EngineVersion.Trim()).Distinct(StringComparer.Ordinal).ToList();
        return releases.Count == 1 && EngineRelease.TryParse(releases[0], out _) ? releases[0] : string.Empty;
    }
}
