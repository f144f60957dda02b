using System.Globalization;
using System.Text;

namespace ClusterSim.Experiments.Replay;

/// <summary>Formats a <see cref="ReplayReport"/>: a Markdown table of measured against simulated means, then the medians.</summary>
public static class ReplayTable
{
    /// <summary>The table and its summary as Markdown text.</summary>
    public static string Markdown(ReplayReport report)
    {
        var text = new StringBuilder();
        string[] peers = report.Outcomes.SelectMany(o => o.Row.PeerErrors.Keys).Distinct().Order(StringComparer.Ordinal).ToArray();
        text.Append("| run | model | accelerator | TP | calibration | TTFT ms measured / simulated | ITL ms | E2E ms | E2E error |");
        text.Append(string.Concat(peers.Select(p => $" {p} |")));
        text.AppendLine(" note |");
        text.Append("|---|---|---|---:|---|---:|---:|---:|---:|").Append(string.Concat(peers.Select(_ => "---:|"))).AppendLine("---|");
        foreach (ReplayOutcome o in report.Outcomes)
        {
            string note = string.Join("; ", new[]
            {
                o.Row.FailedRequests is > 0 || o.Simulated.TimedOut > 0
                    ? string.Create(CultureInfo.InvariantCulture, $"client timeouts: {o.Row.FailedRequests ?? 0} measured, {o.Simulated.TimedOut} simulated; latencies of the survivors")
                    : string.Empty,
                o.Case.Lengths?.Note ?? string.Empty,
                o.Case.FullyMeasured ? string.Empty : "assumed: " + string.Join("; ", o.Case.Assumptions),
                o.Case.Corrections.Count == 0 ? string.Empty : "filled in: " + string.Join("; ", o.Case.Corrections),
            }.Where(n => n.Length > 0));
            if (o.Row.Class.Length > 0)
            {
                note = $"{o.Row.Notes} only (not in the medians)";   // the run's row says how it was sent
            }
            else if (!o.Scored)
            {
                note = "whole run (stages scored)" + (note.Length > 0 ? "; " + note : string.Empty);
            }

            text.Append(CultureInfo.InvariantCulture, $"| {o.Row.Name} | {o.Case.Deployment.Model.Id} | {o.Case.Deployment.Accelerator.Id} | {o.Case.Deployment.TensorParallel} | {o.Case.Calibration.Name} ");
            text.Append(CultureInfo.InvariantCulture, $"| {Pair(o.Row.TtftMs, o.Simulated.TtftMs)} | {Pair(o.Row.ItlMs, o.Simulated.ItlMs)} | {Pair(o.Row.E2eMs, o.Simulated.E2eMs)} | {Percent(o.E2eError)} |");
            text.Append(string.Concat(peers.Select(p => o.Row.PeerErrors.TryGetValue(p, out double e) ? string.Create(CultureInfo.InvariantCulture, $" {e:0.#} % |") : " |")));
            text.AppendLine(CultureInfo.InvariantCulture, $" {note} |");
        }

        AppendTails(text, report);
        AppendTokenTails(text, report);
        AppendThroughput(text, report);
        text.AppendLine();
        foreach (var (label, rows) in new[] { ("all scored rows", report.Scored.ToList()), ("rows with every input published", report.Scored.Where(o => o.Case.FullyMeasured).ToList()) })
        {
            if (rows.Count > 0 && !rows.Any(o => o.Row.PublishesMeans))
            {
                continue;   // a file of percentiles and throughputs alone: its medians are the lines below
            }

            text.AppendLine(CultureInfo.InvariantCulture,
                $"median |error| over {rows.Count} {label}: E2E {Magnitude(ReplayReport.MedianAbsolute(rows, o => o.E2eError))}, TTFT {Magnitude(ReplayReport.MedianAbsolute(rows, o => o.TtftError))}, ITL {Magnitude(ReplayReport.MedianAbsolute(rows, o => o.ItlError))}");
        }

        // Which model and accelerator a median hides: one line each, the most rows first; by engine too when the runs
        // name more than one (an H200 under SGLang and under TensorRT-LLM are different servers).
        bool engines = report.Scored.Select(o => o.Case.Deployment.Engine).Distinct().Count() > 1;
        var groups = report.Scored.GroupBy(o => (Model: o.Case.Deployment.Model.Id, Accelerator: o.Case.Deployment.Accelerator.Id
            + (engines ? $" ({Files.DeploymentSection.EngineName(o.Case.Deployment.Engine)})" : string.Empty))).ToList();
        if (groups.Count > 1)
        {
            foreach (var g in groups.OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => g.Key.Accelerator, StringComparer.Ordinal))
            {
                var rows = g.ToList();
                // Offline benchmarks publish throughput alone, harnesses of percentiles their median TPOT: the group's
                // medians of those say what its dashes cannot, and rows without means show them alone.
                var parts = new List<string>();
                var published = rows.Where(o => o.Case.ThroughputIsOutcome && double.IsFinite(o.ThroughputError)).ToList();
                if (published.Count > 0)
                {
                    parts.Add($"output throughput {Magnitude(ReplayReport.MedianAbsolute(published, o => o.ThroughputError))}");
                }

                var groupTokens = rows.Where(o => double.IsFinite(o.TpotP50Error)).ToList();
                if (groupTokens.Count > 0)
                {
                    parts.Add($"median TPOT {Magnitude(ReplayReport.MedianAbsolute(groupTokens, o => o.TpotP50Error))}");
                }

                if (rows.Any(o => o.Row.PublishesMeans) || parts.Count == 0)
                {
                    parts.Insert(0, $"E2E {Magnitude(ReplayReport.MedianAbsolute(rows, o => o.E2eError))}, TTFT {Magnitude(ReplayReport.MedianAbsolute(rows, o => o.TtftError))}, ITL {Magnitude(ReplayReport.MedianAbsolute(rows, o => o.ItlError))}");
                }

                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  {g.Key.Model} on {g.Key.Accelerator}, {rows.Count} scored row{(rows.Count == 1 ? "" : "s")}: {string.Join(", ", parts)}");
            }
        }

        var throughputs = report.Scored.Where(o => o.Case.ThroughputIsOutcome && double.IsFinite(o.ThroughputError)).ToList();
        if (throughputs.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"median |error| of output throughput over the {throughputs.Count} scored all-at-once and closed-loop rows that publish it: {Magnitude(ReplayReport.MedianAbsolute(throughputs, o => o.ThroughputError))}");
        }

        var medians = report.Scored.Where(o => double.IsFinite(o.TtftP50Error)).ToList();
        if (medians.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"median |error| of median TTFT over the {medians.Count} scored rows that publish it: {Magnitude(ReplayReport.MedianAbsolute(medians, o => o.TtftP50Error))}{(medians.Any(o => double.IsFinite(o.TtftError)) ? $" (mean TTFT over the same rows: {Magnitude(ReplayReport.MedianAbsolute(medians, o => o.TtftError))})" : string.Empty)}");
        }

        var tokenMedians = report.Scored.Where(o => double.IsFinite(o.TpotP50Error)).ToList();
        if (tokenMedians.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"median |error| of median TPOT over the {tokenMedians.Count} scored rows that publish it: {Magnitude(ReplayReport.MedianAbsolute(tokenMedians, o => o.TpotP50Error))}");
        }

        var tails = report.Scored.Where(o => double.IsFinite(o.E2eP90Error) || double.IsFinite(o.TtftP90Error) || double.IsFinite(o.TtftP99Error) || double.IsFinite(o.E2eP99Error) || double.IsFinite(o.TpotP90Error) || double.IsFinite(o.TpotP99Error)).ToList();
        if (tails.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"median |error| of the tails over the {tails.Count} scored rows that publish them: {(tails.Any(o => double.IsFinite(o.E2eP90Error) || double.IsFinite(o.E2eP99Error)) ? $"E2E p90 {Magnitude(ReplayReport.MedianAbsolute(tails, o => o.E2eP90Error))}, p99 {Magnitude(ReplayReport.MedianAbsolute(tails, o => o.E2eP99Error))}; " : string.Empty)}TTFT p90 {Magnitude(ReplayReport.MedianAbsolute(tails, o => o.TtftP90Error))}, p99 {Magnitude(ReplayReport.MedianAbsolute(tails, o => o.TtftP99Error))}{(tails.Any(o => double.IsFinite(o.TpotP90Error)) ? $"; TPOT p90 {Magnitude(ReplayReport.MedianAbsolute(tails, o => o.TpotP90Error))}" : string.Empty)}{(tails.Any(o => double.IsFinite(o.TpotP99Error)) ? $"; TPOT p99 {Magnitude(ReplayReport.MedianAbsolute(tails, o => o.TpotP99Error))}" : string.Empty)}");
        }

        foreach (string peer in peers)
        {
            double[] errors = report.Scored.Where(o => o.Row.PeerErrors.ContainsKey(peer)).Select(o => o.Row.PeerErrors[peer]).Order().ToArray();
            var ours = report.Scored.Where(o => o.Row.PeerErrors.ContainsKey(peer)).ToList();
            if (errors.Length > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"on the {errors.Length} scored rows {peer} reports: its median E2E error {Median(errors):0.#} %, ours {Magnitude(ReplayReport.MedianAbsolute(ours, o => o.E2eError))}");
            }
        }

        foreach (var (experiment, reason) in report.Skipped)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"skipped {experiment}: {reason}");
        }

        foreach (string warning in report.Outcomes.Select(o => o.Case.CalibrationWarning).OfType<string>().Distinct())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"warning: {warning}");
        }

        return text.ToString();
    }

    /// <summary>
    /// A second table, of the rows that publish percentiles: median TTFT, TTFT and E2E p90 and p99, measured against simulated, with the
    /// errors (a capacity plan is usually bound by a tail, not by a mean).
    /// </summary>
    private static void AppendTails(StringBuilder text, ReplayReport report) => AppendTable(
        text,
        report.Outcomes.Where(o => o.Row.TtftP50Ms is not null || o.Row.TtftP90Ms is not null || o.Row.TtftP99Ms is not null || o.Row.E2eP90Ms is not null || o.Row.E2eP99Ms is not null),
        "TTFT p50 ms measured / simulated | error | TTFT p90 ms | error | TTFT p99 ms | error | E2E p90 ms | error | E2E p99 ms | error",
        o => $"{Pair(o.Row.TtftP50Ms, o.Simulated.TtftP50Ms)} | {Percent(o.TtftP50Error)} | {Pair(o.Row.TtftP90Ms, o.Simulated.TtftP90Ms)} | {Percent(o.TtftP90Error)} | {Pair(o.Row.TtftP99Ms, o.Simulated.TtftP99Ms)} | {Percent(o.TtftP99Error)} "
            + $"| {Pair(o.Row.E2eP90Ms, o.Simulated.E2eP90Ms)} | {Percent(o.E2eP90Error)} | {Pair(o.Row.E2eP99Ms, o.Simulated.E2eP99Ms)} | {Percent(o.E2eP99Error)}");

    /// <summary>
    /// The rows that publish percentiles of the time per output token (MLPerf's Server results, held to a p99 TPOT bound
    /// beside their TTFT's; harnesses that print the median and p90): measured against simulated.
    /// </summary>
    private static void AppendTokenTails(StringBuilder text, ReplayReport report) => AppendTable(
        text,
        report.Outcomes.Where(o => o.Row.TpotP50Ms is not null || o.Row.TpotP90Ms is not null || o.Row.TpotP99Ms is not null),
        "TPOT p50 ms measured / simulated | error | TPOT p90 ms | error | TPOT p99 ms | error",
        o => $"{Pair(o.Row.TpotP50Ms, o.Simulated.TpotP50Ms)} | {Percent(o.TpotP50Error)} | {Pair(o.Row.TpotP90Ms, o.Simulated.TpotP90Ms)} | {Percent(o.TpotP90Error)} "
            + $"| {Pair(o.Row.TpotP99Ms, o.Simulated.TpotP99Ms)} | {Percent(o.TpotP99Error)}");

    /// <summary>
    /// A third table, of the all-at-once and closed-loop rows that publish their output throughput: there it is what the
    /// server achieved, not the rate the client offered (a benchmark's headline figure, and a run's length).
    /// </summary>
    private static void AppendThroughput(StringBuilder text, ReplayReport report) => AppendTable(
        text,
        report.Outcomes.Where(o => o.Case.ThroughputIsOutcome && o.Row.ThroughputTokensPerSecond is not null),
        "output tok/s measured / simulated | error",
        o => $"{Pair(o.Row.ThroughputTokensPerSecond, o.Simulated.OutputTokensPerSecond)} | {Percent(o.ThroughputError)}");

    /// <summary>A table of <paramref name="rows"/> (none: no table) under the run's name and <paramref name="columns"/>, one right-aligned column each.</summary>
    private static void AppendTable(StringBuilder text, IEnumerable<ReplayOutcome> rows, string columns, Func<ReplayOutcome, string> cells)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            return;
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"| run | {columns} |");
        text.Append("|---|").AppendLine(string.Concat(Enumerable.Repeat("---:|", columns.Split('|').Length)));
        foreach (ReplayOutcome o in list)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {o.Row.Name} | {cells(o)} |");
        }
    }

    private static string Pair(double? measured, double simulated) =>
        string.Create(CultureInfo.InvariantCulture, $"{(measured is double m ? m.ToString("0.#", CultureInfo.InvariantCulture) : "-")} / {(double.IsFinite(simulated) ? simulated.ToString("0.#", CultureInfo.InvariantCulture) : "-")}");

    private static string Magnitude(double error) => double.IsFinite(error) ? string.Create(CultureInfo.InvariantCulture, $"{error * 100:0.0} %") : "-";

    /// <summary>A signed error in percent to one decimal; one that rounds to zero is "0.0 %" (a format with a negative section printed "-+0.0 %" for it).</summary>
    internal static string Percent(double error)
    {
        if (!double.IsFinite(error))
        {
            return "-";
        }

        string magnitude = Math.Abs(error * 100).ToString("0.0", CultureInfo.InvariantCulture);
        return magnitude == "0.0" ? "0.0 %" : $"{(error < 0 ? '-' : '+')}{magnitude} %";
    }

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}
