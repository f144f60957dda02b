using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;
using ClusterSim.Experiments.Studies;
using ClusterSim.Tests;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary>
/// What the file soaks share: their seeds (CI's, plus <c>CLUSTERSIM_SOAK=N</c> more), the count of drawn files that
/// validate (a soak whose files are all refused tests only the refusals), and the contract for one file — refused at a
/// line, or run to the end in time with finite, non-negative figures and findings without a NaN or an infinity.
/// </summary>
internal static class FileSoak
{
    /// <summary>Seeds 1 to <paramref name="ci"/>, and as many more as <c>CLUSTERSIM_SOAK</c> says.</summary>
    public static TheoryData<int> Seeds(int ci) => SoakSeeds.Seeds(ci);

    /// <summary>How many of the files drawn from seeds 1 to <paramref name="count"/> validate.</summary>
    public static int Valid(Func<int, string> file, int count)
    {
        int valid = 0;
        for (int seed = 1; seed <= count; seed++)
        {
            try
            {
                ExperimentLoader.Parse(file(seed), $"soak-{seed}.yaml");
                valid++;
            }
            catch (ExperimentException)
            {
            }
        }

        return valid;
    }

    /// <summary>
    /// Validates <paramref name="text"/>: refused, it must name a line (and null is returned); accepted, it must run to the
    /// end within <paramref name="seconds"/> (an SLO no load meets is an answer, and null too when
    /// <paramref name="sloMayBeUnmeetable"/>), every figure finite and not negative (NaN, a figure that does not apply,
    /// only where <paramref name="nanAllowed"/>).
    /// </summary>
    public static async Task<(Experiment Experiment, IReadOnlyList<PointResult> Results)?> Run(string text, int seed, double seconds, bool sloMayBeUnmeetable = false, bool nanAllowed = true)
    {
        Experiment experiment;
        try
        {
            experiment = ExperimentLoader.Parse(text, $"soak-{seed}.yaml");
        }
        catch (ExperimentException e)
        {
            Assert.Matches(@"soak-\d+\.yaml:\d+", e.Message);   // refused at a line
            return null;
        }

        // Its record (experiment.resolved.yaml) loads again and says the same: a user reruns a result from it.
        {
            Experiment again;
            try
            {
                again = ExperimentLoader.Parse(experiment.ResolvedText, $"soak-{seed}.resolved.yaml");
            }
            catch (ExperimentException e)
            {
                throw new Xunit.Sdk.XunitException($"the resolved file does not load: {e.Message}\n{experiment.ResolvedText}\nfrom\n{text}");
            }

            Assert.True(again.ResolvedText == experiment.ResolvedText, $"the resolved file resolves differently:\n{experiment.ResolvedText}\nthen\n{again.ResolvedText}");
        }

        Task<IReadOnlyList<PointResult>> run = Task.Run(() => ExperimentRunner.Run(experiment, new RunOptions { Workers = 1 }));
        if (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(seconds))) != run)
        {
            Assert.Fail($"still running after {seconds} s:\n{text}");
        }

        if (run.Exception is { } failed)
        {
            string what = string.Join("; ", failed.Flatten().InnerExceptions.Select(x => x.GetType().Name + ": " + x.Message));
            if (failed.Flatten().InnerExceptions is [InvalidDataException { Message: var message }] && experiment.Until is not null)
            {
                // Sequential replications on a metric these runs do not report: refused at the metric's line.
                Assert.Matches(@"^soak-\d+\.yaml:\d+:\d+: replications\.metric: this experiment's runs do not report", message);
                return null;
            }

            Assert.True(sloMayBeUnmeetable && failed.Flatten().InnerExceptions.All(x => x is UnmeetableSloException), $"{what}\n{text}");
            return null;
        }

        IReadOnlyList<PointResult> results = await run;
        if (experiment.Until is { } until)
        {
            // Each point ran as many replications as its rule stops at, given its results in order.
            foreach (PointResult point in results)
            {
                Assert.Equal(until.StopAt(point.Replications, experiment.Replications), point.Replications.Count);
            }
        }
        foreach (MetricSummary m in results.SelectMany(p => p.Metrics).Where(m => !nanAllowed || !double.IsNaN(m.Mean)))
        {
            Assert.True(double.IsFinite(m.Mean) && m.Mean >= 0, $"{m.Name} = {m.Mean}\n{text}");
        }

        // The sentences under the summary say what does not apply in words, never as a number that is not one.
        foreach (string finding in ExperimentFindings.Of(experiment, results))
        {
            Assert.False(finding.Contains("NaN", StringComparison.Ordinal) || finding.Contains("Infinity", StringComparison.Ordinal) || finding.Contains('∞'), $"{finding}\n{text}");
        }

        return (experiment, results);
    }
}
