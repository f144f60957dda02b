using System.Globalization;
using ClusterSim.Core.Metrics;
using ClusterSim.Experiments.Results;
using ClusterSim.Reporting.Charts;

namespace ClusterSim.Reporting.Report;

// Lifecycle and industry charts: cumulative training against inference spend (and around the crossover), the autoscaled fleet, cost per token, annual spend by year.
public static partial class ReportCharts
{
    private static IEnumerable<Chart> Lifecycle(PointResult point)
    {
        RecordedResult result = point.Replications[0];
        double launchDay = result.Scalar("launch_day");
        double? crossoverDay = double.IsFinite(result.Scalar("crossover_day")) ? result.Scalar("crossover_day") : null;
        SeriesTable table = result.Series();
        double[] days = table.TimeSeconds.Select(t => t / 86_400).ToArray();
        DateOnly? launch = point.Point.Lifecycle!.LaunchDate;
        DateOnly? origin = launch?.AddDays(-(int)Math.Round(launchDay));
        Axis time = origin is null ? new Axis("days since training started", UnitKind.Days) : new Axis("date", UnitKind.Date) { DateOrigin = origin };
        var markers = new List<Marker> { new(launchDay, "launch") };
        MetricSummary crossover = point.Metric("crossover_days_after_launch");
        string subtitle = "no crossover within the horizon";
        if (crossoverDay is { } day)
        {
            string when = origin is { } o ? o.AddDays((int)Math.Round(day)).ToString("d MMM yyyy", CultureInfo.InvariantCulture) : $"day {day:0}";
            markers.Add(new Marker(day, crossover.Samples > 1 ? $"replication 1 crosses: {when}" : $"inference overtakes training: {when}"));
            subtitle = string.Create(CultureInfo.InvariantCulture, $"crossover {crossover.Mean:0.0} ± {crossover.HalfWidth95:0.0} days after launch (mean ± 95 % interval over {crossover.Samples} replications)");
        }

        yield return new Chart
        {
            Id = "cumulative-cost",
            Title = "Cumulative cost: training vs inference",
            Subtitle = subtitle,
            X = time,
            Y = new Axis("cumulative spend", UnitKind.Usd),
            Series =
            [
                new ChartSeries("training", SeriesKind.Line, days, table.Column("training_cumulative_usd").Values),
                new ChartSeries("inference (incl. idle)", SeriesKind.Line, days, table.Column("inference_cumulative_usd").Values),
            ],
            Markers = markers,
        };

        if (crossoverDay is { } cross)
        {
            // The same curves up to twice the crossover day, so the moment of crossing fills the chart.
            int[] early = Enumerable.Range(0, days.Length).Where(d => days[d] <= 2 * cross).ToArray();
            yield return new Chart
            {
                Id = "cumulative-cost-zoom",
                Title = "Cumulative cost around the crossover",
                // The figures are the means the summary table shows; the curves are the first replication's.
                Subtitle = string.Create(
                    CultureInfo.InvariantCulture,
                    $"training {UnitFormat.Format(point.Metric("training_cost_usd").Mean, UnitKind.Usd)} over {point.Metric("training_days").Mean:0.0} days; crossover {crossover.Mean:0.0} days after launch (means of {crossover.Samples}; curves: replication 1)"),
                X = time with { Min = 0, Max = days[early[^1]] },
                Y = new Axis("cumulative spend", UnitKind.Usd),
                Series =
                [
                    new ChartSeries("training", SeriesKind.Line, early.Select(d => days[d]).ToArray(), early.Select(d => table.Column("training_cumulative_usd").Values[d]).ToArray()),
                    new ChartSeries("inference (incl. idle)", SeriesKind.Line, early.Select(d => days[d]).ToArray(), early.Select(d => table.Column("inference_cumulative_usd").Values[d]).ToArray()),
                ],
                Markers = markers,
            };
        }

        // Only whole days of serving: the launch day and the last day are partial and would show as dips.
        int[] full = Enumerable.Range(0, days.Length).Where(d => table.Column("serving_hours").Values[d] == 24).ToArray();
        double[] servingDays = full.Select(d => days[d]).ToArray();
        double[] Pick(string column) => full.Select(d => table.Column(column).Values[d]).ToArray();

        // Only the first replication's series is kept; say so where the summary beside the chart gives means.
        string curves = point.Replications.Count > 1 ? $"; replication 1 of {point.Replications.Count} (the summary's figures are means)" : string.Empty;
        yield return new Chart
        {
            Id = "fleet",
            Title = "Serving fleet, autoscaled to hold the SLO",
            Subtitle = $"accelerators provisioned (daily mean), headroom and cold starts included{curves}",
            X = time,
            Y = new Axis("accelerators", UnitKind.Number),
            Series = [new ChartSeries("fleet", SeriesKind.Area, servingDays, Pick("fleet_accelerators"))],
        };
        yield return new Chart
        {
            Id = "cost-per-token",
            Title = "Serving cost per million output tokens",
            Subtitle = $"rent or amortised capital plus energy, over tokens served that day{curves}",
            X = time,
            Y = new Axis("USD per million output tokens", UnitKind.Usd),
            Series = [new ChartSeries("cost per Mtok", SeriesKind.Line, servingDays, Pick("cost_per_mtok_usd"))],
        };
    }

    private static Chart Industry(PointResult point, int index)
    {
        const string Prefix = "training_usd_";
        int[] calendar = point.Metrics.Where(m => m.Name.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(m => int.Parse(m.Name[Prefix.Length..], CultureInfo.InvariantCulture)).ToArray();
        double[] years = calendar.Select(y => y + 0.5).ToArray();
        double[] Mean(string prefix) => calendar.Select(y => point.Metric($"{prefix}_usd_{y}").Mean).ToArray();
        string label = point.Point.Parameters.Count == 0 ? string.Empty : " (" + string.Join(", ", point.Point.Parameters.Select(p => $"{Human(p.Key)} = {p.Value}")) + ")";
        double[] training = Mean("training"), inference = Mean("inference");

        // Every crossing of the mean curves, either way (a lab's training can fall behind its inference and pull ahead again).
        var crossings = new List<Marker>();
        for (int i = 1; i < years.Length; i++)
        {
            double before = inference[i - 1] - training[i - 1], after = inference[i] - training[i];
            if (double.IsFinite(before) && double.IsFinite(after) && Math.Sign(before) != Math.Sign(after) && after != 0)
            {
                double at = years[i - 1] + ((years[i] - years[i - 1]) * before / (before - after));
                crossings.Add(new Marker(at, string.Create(CultureInfo.InvariantCulture, $"{(after > 0 ? "inference ahead" : "training ahead")} {at:0.0}")));
            }
        }

        return new Chart
        {
            Id = $"industry-{index}",
            Title = "Annual spend: training vs inference" + label,
            Subtitle = crossings.Count > 0
                ? $"{string.Join("; ", crossings.Select(c => c.Label))} (means; base year simulated)"
                : "the curves do not cross within the range (base year simulated, other years from trends)",
            X = new Axis("year", UnitKind.Year) { Min = calendar[0], Max = calendar[^1] + 1 },
            Y = new Axis("spend per year", UnitKind.Usd) { Log = true },
            Series =
            [
                new ChartSeries("training", SeriesKind.Line, years, training),
                new ChartSeries("inference", SeriesKind.Line, years, inference),
            ],
            Markers = crossings,
        };
    }
}
