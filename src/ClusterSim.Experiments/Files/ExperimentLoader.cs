using System.Globalization;
using System.Text;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference.Routing;
using ClusterSim.Core.Metrics;
using ClusterSim.Core.Training;
using ClusterSim.Experiments.Sweeps;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ClusterSim.Experiments.Files;

/// <summary>Loads an experiment file, expands its sweep and validates every point before any work starts.</summary>
public static class ExperimentLoader
{
    /// <summary>Routers by the names an experiment file uses.</summary>
    internal static IReadOnlyDictionary<string, RouterKind> RouterNames => ServingSection.Routers;

    /// <summary>Loads and validates <paramref name="path"/>; throws <see cref="ExperimentException"/> listing every problem.</summary>
    /// <remarks>A sweep of more than <paramref name="maxPoints"/> points is refused (counted before any is listed).</remarks>
    public static Experiment Load(string path, int maxPoints = DefaultMaxPoints)
    {
        if (InputFile.Problem(path) is { } problem)
        {
            throw new ExperimentException([new ExperimentProblem(path, 1, 1, "(file)", problem.StartsWith(path, StringComparison.Ordinal) ? problem[path.Length..].TrimStart(':', ' ') : problem)]);
        }

        return Parse(File.ReadAllText(path), path, null, maxPoints);
    }

    /// <summary>Validates experiment text whose file name (for messages and relative paths) is <paramref name="file"/>.</summary>
    public static Experiment Parse(string text, string file, int maxPoints = DefaultMaxPoints) => Parse(text, file, null, maxPoints);

    /// <summary>The JSON Schema of experiment files, recorded from the loader reading an example that uses every section.</summary>
    public static string JsonSchema()
    {
        var recorder = new SchemaRecorder();
        foreach (string example in new[] { SchemaExample.Text, SchemaExample.ClusterText, SchemaExample.ChoicesText, SchemaExample.EdgeText })
        {
            try
            {
                Parse(example, "schema-example.yaml", recorder, DefaultMaxPoints);
            }
            catch (ExperimentException)
            {
                // The examples exist to visit every field; whether they would run is beside the point.
            }
        }

        return recorder.ToJsonSchema();
    }

    /// <summary>Points a serving time series keeps by default, whatever the run's length (its interval doubles when full).</summary>
    public const int DefaultSeriesPoints = 4096;

    /// <summary>Deepest nesting of flow collections or indentation levels an experiment may have (YAML parsers recurse).</summary>
    private const int MaxDepth = 64;

    /// <summary>Most points a sweep may have unless the caller (`--max-points`) raises it.</summary>
    public const int DefaultMaxPoints = 10_000;

    /// <summary>Largest experiment text, characters.</summary>
    private const int MaxLength = 4 * 1024 * 1024;

    private static Experiment Parse(string text, string file, SchemaRecorder? recorder, int maxPoints)
    {
        if (Depth(text) is { } deep)
        {
            throw new ExperimentException([new ExperimentProblem(file, deep.Line, deep.Column, "(syntax)", deep.Message)]);
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ExperimentException([new ExperimentProblem(file, (int)e.Start.Line, (int)e.Start.Column, "(syntax)", $"malformed YAML: {e.InnerException?.Message ?? e.Message}")]);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner and node loader give up on some malformed text without a position (found by the mutation test).
            throw new ExperimentException([new ExperimentProblem(file, 1, 1, "(syntax)", $"malformed YAML the parser could not place: {e.Message}")]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode)
        {
            throw new ExperimentException([new ExperimentProblem(file, 1, 1, "(root)", "expected a mapping with 'name' and a 'serving' or 'training' section")]);
        }

        var reader = new YamlReader(file, recorder);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        reader.Mapping(root, string.Empty, "name", "description", "seed", "replications", "catalog", "training", "serving", "workload", "test_time", "slo", "lifecycle", "industry", "cluster", "choices", "edge", "outputs", "sweep");
        string name = reader.Text(root, "name", string.Empty, required: true) ?? "experiment";
        if (name.IndexOfAny(['/', '\\', '\n', '\r', '\0']) >= 0 || name is "." or ".." || name.Trim().Length == 0)
        {
            // The name is the results folder under results/: it must not lead anywhere else.
            reader.Problem(YamlReader.Child(root, "name"), "name", $"'{name.ReplaceLineEndings(" ")}' cannot name a results folder; use letters, digits, '-', '_' or '.' without slashes");
        }

        var sweep = SweepSection.Read(reader, root);
        var catalogNotes = new List<string>();
        var catalogFiles = new List<(string Key, string Reference)>();
        SimCatalog catalog = ReadCatalog(reader, root, file, catalogNotes, catalogFiles);
        (int replications, ReplicationTarget? until) = ReadReplications(reader, root, file);
        long seed = (long)reader.Number(root, "seed", string.Empty, 1);
        if (reader.Problems.Any(p => p.Path.StartsWith("catalog", StringComparison.Ordinal)))
        {
            // Without the user's catalog every id it defines would read as unknown: its own problems come first.
            throw new ExperimentException(reader.Problems);
        }

        // Every other problem is reported in one pass: the file's own and each sweep point's, together.
        var problems = new List<ExperimentProblem>(reader.Problems);
        var points = new List<ExperimentPoint>();
        var calibrations = new SortedSet<string>(catalogNotes.Select(n => $"warning: catalog.models: {n}"), StringComparer.Ordinal);
        YamlMappingNode? sweptKeys = YamlReader.Child(YamlReader.Child(root, "sweep") as YamlMappingNode, "parameters") as YamlMappingNode;
        long count = SweepPlan.Count(sweep.Parameters, sweep.Mode, sweep.Samples);
        if (count > maxPoints)
        {
            // Counted, not listed: a grid of ten lists of ten would be ten billion points.
            throw new ExperimentException([.. problems, new ExperimentProblem(file, (int)(YamlReader.Child(root, "sweep")?.Start.Line ?? 1), (int)(YamlReader.Child(root, "sweep")?.Start.Column ?? 1), "sweep",
                string.Create(CultureInfo.InvariantCulture, $"{(count == long.MaxValue ? "more than 9e18" : count.ToString("N0", CultureInfo.InvariantCulture))} points; an experiment runs at most {maxPoints:N0} (raise it with --max-points, split the sweep, or draw from it with mode: random or lhs)"))]);
        }

        if (sweep.ZipListsDiffer())
        {
            throw new ExperimentException(problems);   // the lists of unequal length are among them: there are no points to check
        }

        var expanded = SweepPlan.Expand(sweep.Parameters, sweep.Mode, sweep.Samples, seed);
        // Each point's problems, in the order first found, with the first point that had each and how many did: one that only some points have
        // names the first of them and its values, so a user can tell which of a sweep's values was refused.
        var pointProblems = new List<ExperimentProblem>();
        var pointsWith = new Dictionary<ExperimentProblem, (int First, int Count)>();
        for (int i = 0; i < expanded.Count; i++)
        {
            // Each point sets its values on the one parsed tree and takes them back after binding: parsing once keeps a
            // sweep of many points linear in its size, and problems still point at the lines of the file.
            var pointReader = new YamlReader(file, recorder, within: reader);
            var undo = new List<Action>();
            foreach (var (key, value) in expanded[i])
            {
                Override(root, key, value, undo);
            }

            ExperimentPoint? point;
            try
            {
                point = BindPoint(pointReader, root, catalog, file, i, expanded[i], calibrations);
            }
            finally
            {
                for (int u = undo.Count - 1; u >= 0; u--)
                {
                    undo[u]();
                }
            }

            foreach (var found in pointReader.Problems)
            {
                ExperimentProblem problem = AtSweptKey(found, expanded[i], sweptKeys);
                if (pointsWith.TryGetValue(problem, out var seen))
                {
                    pointsWith[problem] = seen with { Count = seen.Count + 1 };
                }
                else if (!problems.Contains(problem))
                {
                    pointProblems.Add(problem);
                    pointsWith[problem] = (i, 1);
                }
            }

            if (point is not null)
            {
                points.Add(sweep.Labels is { } labels ? point with { Name = labels[i] } : point);
            }
        }

        foreach (ExperimentProblem problem in pointProblems)
        {
            var (first, having) = pointsWith[problem];
            bool some = having < expanded.Count;
            string many = some && having > 1 ? $"; {having} points in all" : string.Empty;
            // A problem every point shares is the file's own, said once without a point; a sweep of one point cannot show
            // that, and its problem may come from the value it drew (a sampled replica count the file does not hold), so
            // it names the point.
            problems.Add(expanded[first].Count == 0 || (problem.Line > 0 && !some && expanded.Count > 1) ? problem
                : problem with { Path = $"{problem.Path} (sweep point {first}: {string.Join(", ", expanded[first].Select(kv => $"{kv.Key} = {kv.Value}"))}{many})" });
        }

        if (problems.Count > 0)
        {
            throw new ExperimentException(problems);
        }

        int? baseline = Baseline(sweep, points, file);
        WarnOfUnusedBaseValues(root, catalog, file, sweep.Parameters.Select(p => p.Path).ToHashSet(StringComparer.Ordinal), calibrations);
        return new Experiment
        {
            Name = name,
            Description = reader.Text(root, "description", string.Empty) ?? string.Empty,
            SourceFile = file,
            Seed = seed,
            Replications = replications,
            Until = until,
            Baseline = baseline,
            Points = points,
            Calibrations = calibrations.ToList(),
            ZipSweep = sweep.Mode == SweepMode.Zip,
            SampledSweep = sweep.Sampled,
            LogParameters = [.. sweep.Parameters.Where(p => p.Log).Select(p => p.Path)],
            ResolvedText = Resolved(name, seed, replications, until, catalogFiles, points[0], sweep),
        };
    }

    /// <summary>A size or nesting beyond what an experiment needs, located, before a recursive parser meets it; null when within.</summary>
    private static (int Line, int Column, string Message)? Depth(string text)
    {
        if (text.Length > MaxLength)
        {
            return (1, 1, $"the file is {text.Length / 1048576.0:F1} M characters; experiment files are limited to {MaxLength / 1048576} M");
        }

        int depth = 0, line = 1, column = 0;
        char quote = '\0';
        bool comment = false, lineStart = true;
        int indent = 0;
        foreach (char c in text)
        {
            column++;
            if (c == '\n')
            {
                (line, column, comment, lineStart, indent) = (line + 1, 0, false, true, 0);
                continue;
            }

            if (lineStart && c == ' ')
            {
                if (++indent > 2 * MaxDepth)
                {
                    return (line, column, $"indented more than {2 * MaxDepth} spaces; experiments nest at most {MaxDepth} levels");
                }

                continue;
            }

            lineStart = false;
            if (comment)
            {
                continue;
            }

            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
                continue;
            }

            switch (c)
            {
                case '"' or '\'':
                    quote = c;
                    break;
                case '#':
                    comment = true;
                    break;
                case '{' or '[':
                    if (++depth > MaxDepth)
                    {
                        return (line, column, $"nested more than {MaxDepth} levels deep");
                    }

                    break;
                case '}' or ']':
                    depth = Math.Max(0, depth - 1);
                    break;
            }
        }

        return null;
    }

    /// <summary>
    /// Reads the experiment's own catalog files over the shipped catalog; <paramref name="files"/> receives what each key
    /// read (a file's full path, or a Hugging Face repository id), for the resolved experiment to name wherever it is saved.
    /// </summary>
    private static SimCatalog ReadCatalog(YamlReader reader, YamlMappingNode root, string file, List<string> notes, List<(string Key, string Reference)> files)
    {
        YamlMappingNode? node = reader.Mapping(YamlReader.Child(root, "catalog"), "catalog", "hardware", "models", "calibration");
        SimCatalog catalog = SimCatalog.Default;
        string directory = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        foreach (string key in new[] { "hardware", "models", "calibration" })
        {
            string? relative = reader.Text(node, key, "catalog");
            if (relative is null)
            {
                continue;
            }

            string full = Path.Combine(directory, relative);
            // A repository id is looked up in the Hugging Face cache.
            bool repositoryId = key == "models" && !File.Exists(full) && !Directory.Exists(full) && HuggingFaceCache.IsRepositoryId(relative);
            try
            {
                full = repositoryId ? relative : Path.GetFullPath(full);
                files.Add((key, full));
                // Models may also come as a Hugging Face config.json, or the checkpoint directory that holds one.
                CsvTable table = key == "models" ? ModelFile.Read(full, relative, notes) : CsvTable.Parse(new StringReader(InputFile.ReadText(full)), relative);
                catalog = key switch
                {
                    "hardware" => catalog with { Hardware = catalog.Hardware.With(table) },
                    "models" => catalog with { Models = catalog.Models.With(table) },
                    _ => catalog with { Calibrations = catalog.Calibrations.With(table) },
                };
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                reader.Problem(YamlReader.Child(node, key), $"catalog.{key}", $"cannot read '{relative}': {e.Message}");
            }
            catch (CatalogException e)
            {
                reader.Problem(YamlReader.Child(node, key), $"catalog.{key}", e.Message);
            }
        }

        return catalog;
    }

    /// <summary>
    /// A value the sweep replaces on every point is never used, so its own problems stop no run; they are still worth
    /// saying (a typo there would mislead a reader of the file), as warnings at their line.
    /// </summary>
    private static void WarnOfUnusedBaseValues(YamlMappingNode root, SimCatalog catalog, string file, HashSet<string> swept, SortedSet<string> warnings)
    {
        if (swept.Count == 0)
        {
            return;
        }

        var baseReader = new YamlReader(file, null);
        var ignored = new SortedSet<string>(StringComparer.Ordinal);
        BindPoint(baseReader, root, catalog, file, 0, [], ignored);
        foreach (ExperimentProblem problem in baseReader.Problems.Where(p => swept.Contains(p.Path)))
        {
            warnings.Add($"warning: {problem.File}:{problem.Line}:{problem.Column}: {problem.Path}: {problem.Message}; the sweep sets it on every point, so this value is never used");
        }
    }

    private static ExperimentPoint? BindPoint(
        YamlReader r, YamlMappingNode root, SimCatalog catalog, string file, int index, IReadOnlyList<KeyValuePair<string, string>> parameters, SortedSet<string> calibrations)
    {
        bool hasServing = YamlReader.Child(root, "serving") is not null;
        bool hasTraining = YamlReader.Child(root, "training") is not null;
        if (YamlReader.Child(root, "cluster") is { } clusterNode)
        {
            foreach (string other in new[] { "serving", "training", "workload", "lifecycle", "industry", "test_time" }.Where(k => YamlReader.Child(root, k) is not null))
            {
                r.Problem(YamlReader.Child(root, other), other, "a 'cluster' experiment places its training jobs and deployments inside 'cluster'; move this section there");
            }

            ClusterSpec? cluster = ClusterSection.Read(r, root, catalog, file, calibrations);
            return cluster is null || r.Problems.Count > 0 ? null : new ExperimentPoint { Index = index, Parameters = parameters, Cluster = cluster };
        }

        if (!hasServing && !hasTraining)
        {
            if (!r.WasMisspelt("serving") && !r.WasMisspelt("training") && !r.WasMisspelt("cluster"))
            {
                // (a misspelt section name was reported already: that is the one problem)
                r.Problem(root, "serving", "an experiment needs a 'serving' section, a 'training' section, both with a 'lifecycle' section, or a 'cluster' section");
            }

            return null;
        }

        TrainingJob? training = TrainingSection.Read(r, root, catalog, calibrations);
        if (training is { Accelerator.TdpWatts: null })
        {
            calibrations.Add($"warning: {training.Accelerator.Id}: no TDP in the catalog (tdp_w), so the run's energy is booked as 0 kWh; give it in a hardware CSV");
        }

        bool hasChoices = YamlReader.Child(root, "choices") is not null;
        bool hasEdge = YamlReader.Child(root, "edge") is not null;
        ServingPoint? serving = hasServing ? ServingSection.Read(r, root, catalog, file, arrivalFromDemand: YamlReader.Child(root, "lifecycle") is not null || hasChoices || hasEdge, calibrations) : null;
        if (hasEdge)
        {
            foreach (string other in new[] { "training", "lifecycle", "industry", "test_time", "choices" }.Where(k => YamlReader.Child(root, k) is not null))
            {
                r.Problem(YamlReader.Child(root, other), other, "an 'edge' comparison sets its cloud side in 'serving' (with 'workload' and 'slo'); this section does not combine with it");
            }

            if (!hasServing)
            {
                r.Problem(root, "serving", "an 'edge' comparison needs a 'serving' section: the cloud deployment, with 'workload' and 'slo'");
            }

            EdgeSpec? edge = EdgeSection.Read(r, root, serving, catalog, calibrations);
            return edge is null || serving is null || r.Problems.Count > 0 ? null : new ExperimentPoint { Index = index, Parameters = parameters, Serving = serving, Edge = edge };
        }

        if (hasChoices)
        {
            foreach (string other in new[] { "training", "lifecycle", "industry", "test_time" }.Where(k => YamlReader.Child(root, k) is not null))
            {
                r.Problem(YamlReader.Child(root, other), other, "a 'choices' comparison serves the 'serving' section's traffic; a candidate's own training goes under choices.candidates.NAME.training");
            }

            if (!hasServing)
            {
                r.Problem(root, "serving", "a 'choices' comparison needs a 'serving' section: the baseline deployment, with 'workload' and 'slo'");
            }

            ChoicesSpec? choices = ChoicesSection.Read(r, root, serving, catalog, calibrations);
            return choices is null || serving is null || r.Problems.Count > 0 ? null : new ExperimentPoint { Index = index, Parameters = parameters, Serving = serving, Choices = choices };
        }

        LifecycleSpec? lifecycle = LifecycleSection.Read(r, root, serving?.Replicas[0].Deployment.Accelerator, file, serving?.Output ?? new LengthSpec("fixed", 256, 256, 0, 256, 256), calibrations);
        YamlNode? lifecycleNode = YamlReader.Child(root, "lifecycle");
        if (lifecycleNode is not null && !hasServing)
        {
            r.Problem(lifecycleNode, "lifecycle", "needs a 'serving' section (how the model is served) and, to compare with a training bill, a 'training' section");
        }
        else if (lifecycleNode is null && hasServing && hasTraining)
        {
            r.Problem(root, "lifecycle", "an experiment with both 'training' and 'serving' needs a 'lifecycle' section (demand, horizon, prices)");
        }

        var industry = IndustrySection.Read(r, root);
        string[] missing = [.. new[] { "training", "serving", "lifecycle" }.Where(k => YamlReader.Child(root, k) is null)];
        if (industry is not null && missing.Length > 0)
        {
            // Sections that are present but have problems of their own are reported where they are.
            r.Problem(YamlReader.Child(root, "industry"), "industry", $"builds on a simulated lifecycle: add {string.Join(" and ", missing.Select(k => $"'{k}'"))}");
        }

        if ((hasServing && serving is null) || (hasTraining && training is null))
        {
            return null;
        }

        return new ExperimentPoint { Index = index, Parameters = parameters, Serving = serving, Training = training, Lifecycle = lifecycle, Industry = industry };
    }

    /// <summary>
    /// A problem found in a node a swept value created (a swept path naming no real field, say), moved to the line of
    /// the swept key in <c>sweep.parameters</c>: created nodes have no place in the file of their own.
    /// </summary>
    private static ExperimentProblem AtSweptKey(ExperimentProblem problem, IReadOnlyList<KeyValuePair<string, string>> values, YamlMappingNode? sweptKeys)
    {
        if (problem.Line > 1 || problem.Column > 1 || sweptKeys is null)
        {
            return problem;
        }

        foreach (var (key, _) in values)
        {
            if (key == problem.Path || key.StartsWith(problem.Path + ".", StringComparison.Ordinal))
            {
                YamlNode? node = sweptKeys.Children.Keys.FirstOrDefault(k => k is YamlScalarNode s && s.Value == key);
                return node is null ? problem : problem with { Line = (int)node.Start.Line, Column = (int)node.Start.Column, Path = $"sweep.parameters.{key}" };
            }
        }

        return problem;
    }

    /// <summary>Sets <paramref name="path"/> to <paramref name="value"/> in the tree and adds to <paramref name="undo"/> what puts it back.</summary>
    private static void Override(YamlMappingNode root, string path, string value, List<Action> undo)
    {
        string[] parts = path.Split('.');
        YamlMappingNode current = root;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (YamlReader.Child(current, parts[i]) is not YamlMappingNode next)
            {
                next = new YamlMappingNode();
                Replace(current, parts[i], next, undo);
            }

            current = next;
        }

        if (YamlReader.Child(current, parts[^1]) is YamlScalarNode existing)
        {
            string? before = existing.Value;
            existing.Value = value;   // in place, so problems still point at the line in the file
            undo.Add(() => existing.Value = before);
        }
        else
        {
            Replace(current, parts[^1], new YamlScalarNode(value), undo);
        }
    }

    private static void Replace(YamlMappingNode parent, string key, YamlNode node, List<Action> undo)
    {
        var name = new YamlScalarNode(key);
        YamlNode? before = YamlReader.Child(parent, key);
        parent.Children[name] = node;
        undo.Add(before is null ? () => parent.Children.Remove(name) : () => parent.Children[name] = before);
    }

    /// <summary>
    /// <c>replications: N</c>, a fixed count; or <c>{ min, max, metric, relative_half_width }</c>, sequential replications
    /// (<see cref="ReplicationTarget"/>).
    /// </summary>
    private static (int Replications, ReplicationTarget? Until) ReadReplications(YamlReader r, YamlMappingNode root, string file)
    {
        r.AlsoNumber("replications");
        if (YamlReader.Child(root, "replications") is not YamlMappingNode)
        {
            return (r.Integer(root, "replications", string.Empty, 1, 1, MaxReplications), null);
        }

        YamlMappingNode node = r.Mapping(YamlReader.Child(root, "replications"), "replications", "min", "max", "metric", "relative_half_width")!;
        int min = r.Integer(node, "min", "replications", 3, 2, MaxReplications);
        int max = r.Integer(node, "max", "replications", 30, 2, MaxReplications);
        if (max < min)
        {
            r.Problem(YamlReader.Child(node, "max"), "replications.max", $"max ({max}) is below min ({min})");
        }

        string metric = r.Text(node, "metric", "replications", required: true) ?? string.Empty;
        if (metric.Length > 0 && MetricCatalog.Find(metric) is null)
        {
            r.Problem(YamlReader.Child(node, "metric"), "replications.metric",
                $"unknown metric '{metric}'{ClosestName.Hint(metric, MetricCatalog.Keys)}; expected a key of the summary, such as ttft_p99_s, throughput_output_tok_s or wall_days");
        }

        double halfWidth = r.Number(node, "relative_half_width", "replications", 0.05, 0, 1, exclusiveMin: true);
        if (halfWidth < QuantileResolution && System.Text.RegularExpressions.Regex.IsMatch(metric, @"_p\d+(_|$)"))
        {
            // Percentiles come from a sketch with ±0.5 % buckets: two runs in one bucket agree exactly, which is no interval.
            r.Problem(YamlReader.Child(node, "relative_half_width"), "replications.relative_half_width",
                string.Create(CultureInfo.InvariantCulture, $"{halfWidth} is finer than a percentile resolves (its sketch's buckets are ±0.5 % wide); expected at least {QuantileResolution}"));
        }

        YamlNode? at = YamlReader.Child(node, "metric");
        var where = new ExperimentProblem(file, (int)(at?.Start.Line ?? node.Start.Line), (int)(at?.Start.Column ?? node.Start.Column), "replications.metric", string.Empty);
        return (min, new ReplicationTarget(Math.Max(min, max), metric, halfWidth, where));
    }

    /// <summary>The point <c>sweep.baseline</c> names, by its label or its number; null without one.</summary>
    /// <exception cref="ExperimentException">No point has that label or number: the labels are listed.</exception>
    private static int? Baseline(SweepSection sweep, IReadOnlyList<ExperimentPoint> points, string file)
    {
        if (sweep.Baseline is not { } baseline)
        {
            return null;
        }

        int byLabel = points.ToList().FindIndex(p => p.Label == baseline.Name);
        if (byLabel >= 0)
        {
            return byLabel;
        }

        if (int.TryParse(baseline.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index < points.Count)
        {
            return index;
        }

        string labels = string.Join("; ", points.Take(12).Select(p => $"'{p.Label}'")) + (points.Count > 12 ? $"; and {points.Count - 12} more" : string.Empty);
        throw new ExperimentException([new ExperimentProblem(file, (int)baseline.Node.Start.Line, (int)baseline.Node.Start.Column, "sweep.baseline",
            $"no point is named '{baseline.Name}'{ClosestName.Hint(baseline.Name, points.Select(p => p.Label))}; expected a point's label or its number (0 to {points.Count - 1}): {labels}")]);
    }

    /// <summary>The narrowest interval asked of a percentile: twice the latency sketch's relative error.</summary>
    private const double QuantileResolution = 0.01;

    /// <summary>The most replications a point may run.</summary>
    private const int MaxReplications = 1000;

    private static string Resolved(string name, long seed, int replications, ReplicationTarget? until, IReadOnlyList<(string Key, string Reference)> catalogFiles, ExperimentPoint point, SweepSection sweep)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"name: {name}");
        text.AppendLine(CultureInfo.InvariantCulture, $"seed: {seed}");
        text.AppendLine(until is null
            ? $"replications: {replications.ToString(CultureInfo.InvariantCulture)}"
            : string.Create(CultureInfo.InvariantCulture, $"replications: {{ min: {replications}, max: {until.Max}, metric: {until.Metric}, relative_half_width: {until.RelativeHalfWidth:R} }}"));
        if (catalogFiles.Count > 0)
        {
            // Full paths: the resolved file is saved with the results, away from the experiment its relative paths began at.
            text.AppendLine(CultureInfo.InvariantCulture, $"catalog: {{ {string.Join(", ", catalogFiles.Select(f => $"{f.Key}: {YamlText.Quoted(f.Reference)}"))} }}");
        }

        if (point.Training is { } job)
        {
            text.Append(ResolvedSections.Training(job));
        }

        if (point.Serving is { } serving)
        {
            text.Append(ServingSection.Resolved(serving));
        }

        if (point.Lifecycle is { } lifecycle)
        {
            text.Append(ResolvedSections.Lifecycle(lifecycle));
        }

        if (point.Industry is { } industry)
        {
            text.Append(IndustrySection.Resolved(industry));
        }

        if (point.Edge is { } edge)
        {
            text.Append(EdgeSection.Resolved(edge));
        }

        if (point.Choices is { } choices)
        {
            text.Append(ChoicesSection.Resolved(choices));
        }

        if (point.Cluster is { } cluster)
        {
            text.Append(ClusterSection.Resolved(cluster));
        }

        text.Append(sweep.Resolved());
        return text.ToString();
    }

}
