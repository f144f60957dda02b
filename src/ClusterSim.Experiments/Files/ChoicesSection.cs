using System.Globalization;
using System.Text;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Performance;
using ClusterSim.Core.Training;
using YamlDotNet.RepresentationModel;

namespace ClusterSim.Experiments.Files;

/// <summary>Reads the <c>choices:</c> section: the baseline (the <c>serving</c> section) and its named candidates.</summary>
internal static class ChoicesSection
{
    private const string Path = "choices";

    /// <summary>The comparison, or null when the section is absent or has problems (reported to <paramref name="r"/>).</summary>
    public static ChoicesSpec? Read(YamlReader r, YamlMappingNode root, ServingPoint? baseline, SimCatalog catalog, SortedSet<string> calibrations)
    {
        YamlMappingNode? node = r.Mapping(YamlReader.Child(root, Path), Path, "baseline", "demand", "horizon_days", "headroom", "cell_replicas", "candidates");
        if (node is null)
        {
            return null;
        }

        const string bp = Path + ".baseline";
        YamlMappingNode? baseNode = r.Mapping(YamlReader.Child(node, "baseline"), bp, "name", "quality", "price_per_hour");
        if (baseNode is null)
        {
            r.Problem(node, bp, "is required: { name, quality, price_per_hour } of the deployment in 'serving'");
        }

        var candidates = new List<ChoiceCandidate>();
        if (baseline is not null)
        {
            ReplicaGroup group = baseline.Replicas[0];
            candidates.Add(new ChoiceCandidate
            {
                Name = r.Text(baseNode, "name", bp, "baseline") ?? "baseline",
                Deployment = group.Deployment,
                Scheduler = group.Scheduler,
                PricePerHour = Price(r, baseNode, bp, group.Deployment.Accelerator),
                Quality = Quality(r, baseNode, bp),
            });
        }

        var entries = r.NamedEntries(node, "candidates", Path).ToList();
        if (entries.Count == 0)
        {
            r.Problem(node, $"{Path}.candidates", "name at least one candidate: { serving, quality, ... }");
        }

        foreach ((string name, YamlNode value) in entries)
        {
            string cp = $"{Path}.candidates.{name}";
            YamlMappingNode? c = r.Mapping(value, cp, "serving", "price_per_hour", "quality", "distillation", "training", "upfront_usd", "cascade");
            if (c is null)
            {
                continue;
            }

            if (candidates.Any(x => x.Name == name))
            {
                r.Problem(value, cp, $"'{name}' is already the name of the baseline or another candidate");
            }

            YamlMappingNode? serving = r.Mapping(YamlReader.Child(c, "serving"), $"{cp}.serving", [.. DeploymentSection.Keys]);
            if (serving is null)
            {
                r.Problem(c, $"{cp}.serving", "is required: the candidate's model, hardware, parallelism and precisions");
            }

            (ServingDeployment? deployment, SchedulerOptions scheduler) = DeploymentSection.Read(r, serving, $"{cp}.serving", catalog, calibrations);
            YamlMappingNode? distillation = r.Mapping(YamlReader.Child(c, "distillation"), $"{cp}.distillation", "teacher_tokens");
            YamlMappingNode? cascade = r.Mapping(YamlReader.Child(c, "cascade"), $"{cp}.cascade", "share", "quality");
            TrainingJob? training = null;
            if (r.Mapping(YamlReader.Child(c, "training"), $"{cp}.training", [.. TrainingSection.JobKeys, "hardware"]) is { } trainingNode)
            {
                training = TrainingSection.ReadJob(r, trainingNode, $"{cp}.training", catalog, chip: null, calibrations);
            }

            double quality = Quality(r, c, cp);
            if (deployment is null)
            {
                continue;
            }

            if (baseline is not null)
            {
                // The candidate serves the baseline's traffic, from the same clients (their conversations, their max_tokens):
                // its requests must fit the candidate's context too.
                ContextCheck.Check(r, YamlReader.Child(root, "workload") as YamlMappingNode, "workload", $"{cp}.serving", deployment, baseline.Prompt, baseline.Output, baseline.Trace, calibrations, baseline.Conversation, baseline.ClientSendsMaxTokens);
            }

            candidates.Add(new ChoiceCandidate
            {
                Name = name,
                Deployment = deployment,
                Scheduler = scheduler,
                PricePerHour = Price(r, c, cp, deployment.Accelerator),
                Quality = quality,
                TeacherTokens = r.Number(distillation, "teacher_tokens", $"{cp}.distillation", 0, 0),
                Training = training,
                UpfrontUsd = r.Number(c, "upfront_usd", cp, 0, 0),
                CascadeShare = cascade is null ? null : r.Number(cascade, "share", $"{cp}.cascade", 0.5, 0, 1, exclusiveMin: true),
                CascadeQuality = YamlReader.Child(cascade, "quality") is null ? null : r.Number(cascade, "quality", $"{cp}.cascade", quality, 0, 1),
            });
        }

        YamlMappingNode? demand = r.Mapping(YamlReader.Child(node, "demand"), $"{Path}.demand", "output_tokens_per_day");
        if (YamlReader.Child(demand, "output_tokens_per_day") is null)
        {
            r.Problem(demand ?? (YamlNode)node, $"{Path}.demand.output_tokens_per_day", "is required: the output tokens the service answers per day");
        }

        return new ChoicesSpec
        {
            Candidates = candidates,
            OutputTokensPerDay = r.Number(demand, "output_tokens_per_day", $"{Path}.demand", 1e9, 0, exclusiveMin: true),
            HorizonDays = r.Number(node, "horizon_days", Path, 365, 1, 36_500),
            Headroom = r.Number(node, "headroom", Path, 0.2, 0, 0.95),
            CellReplicas = r.Integer(node, "cell_replicas", Path, 2, 1, 64),
        };
    }

    private static double Quality(YamlReader r, YamlMappingNode? node, string path)
    {
        if (node is not null && YamlReader.Child(node, "quality") is null)
        {
            r.Problem(node, $"{path}.quality", "is required: the accuracy (0-1) on the service's tasks, from a benchmark you name in a comment");
        }

        return r.Number(node, "quality", path, 0, 0, 1);
    }

    private static double Price(YamlReader r, YamlMappingNode? node, string path, AcceleratorSpec chip)
    {
        if (YamlReader.Child(node, "price_per_hour") is null && chip.PricePerHour is null)
        {
            r.Problem(node, $"{path}.price_per_hour", $"{chip.Id} has no price in the catalog; give price_per_hour (USD per accelerator-hour)");
        }

        // Costs are compared as ratios and payback periods, which a free accelerator leaves without meaning.
        return r.Number(node, "price_per_hour", path, chip.PricePerHour ?? 0, 0, exclusiveMin: true);
    }

    /// <summary>The choices section as the resolved experiment writes it; the baseline's deployment is the <c>serving</c> section's.</summary>
    public static string Resolved(ChoicesSpec c)
    {
        string F(double v) => ResolvedSections.F(v);
        var t = new StringBuilder();
        t.AppendLine("choices:");
        t.AppendLine(CultureInfo.InvariantCulture, $"  baseline: {{ name: {c.Baseline.Name}, quality: {F(c.Baseline.Quality)}, price_per_hour: {F(c.Baseline.PricePerHour)} }}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  demand: {{ output_tokens_per_day: {F(c.OutputTokensPerDay)} }}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  horizon_days: {F(c.HorizonDays)}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  headroom: {F(c.Headroom)}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  cell_replicas: {c.CellReplicas}");
        t.AppendLine("  candidates:");
        foreach (ChoiceCandidate k in c.Candidates.Skip(1))
        {
            t.AppendLine(CultureInfo.InvariantCulture, $"    {k.Name}:");
            t.AppendLine(CultureInfo.InvariantCulture, $"      serving: {DeploymentSection.Inline(k.Deployment, k.Scheduler)}   # {k.Deployment.CalibrationName}");
            t.AppendLine(CultureInfo.InvariantCulture, $"      price_per_hour: {F(k.PricePerHour)}");
            t.AppendLine(CultureInfo.InvariantCulture, $"      quality: {F(k.Quality)}");
            t.AppendLine(CultureInfo.InvariantCulture, $"      upfront_usd: {F(k.UpfrontUsd)}");
            if (k.TeacherTokens > 0)
            {
                t.AppendLine(CultureInfo.InvariantCulture, $"      distillation: {{ teacher_tokens: {F(k.TeacherTokens)} }}");
            }

            if (k.CascadeShare is { } share)
            {
                t.AppendLine(CultureInfo.InvariantCulture, $"      cascade: {{ share: {F(share)}{(k.CascadeQuality is { } q ? $", quality: {F(q)}" : string.Empty)} }}");
            }

            if (k.Training is { } job)
            {
                t.AppendLine("      training:");
                foreach (string line in ResolvedSections.TrainingKeys(job, "      ", withHardware: true))
                {
                    t.AppendLine(line);
                }
            }
        }

        return t.ToString();
    }
}
