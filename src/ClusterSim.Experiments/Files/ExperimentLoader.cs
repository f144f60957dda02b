using System.Globalization;
using System.Text;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Routing;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;
using ClusterSim.Core.Training;
using ClusterSim.Experiments.Sweeps;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static ClusterSim.Experiments.Files.ResolvedSections;

namespace ClusterSim.Experiments.Files;

/// <summary>Loads an experiment file, expands its sweep and validates every point before any work starts.</summary>
public static class ExperimentLoader
{
    /// <summary>Routers by the names an experiment file uses.</summary>
    internal static IReadOnlyDictionary<string, RouterKind> RouterNames => Routers;

    private static readonly Dictionary<string, RouterKind> Routers = new()
    {
        ["round-robin"] = RouterKind.RoundRobin,
        ["random"] = RouterKind.Random,
        ["least-outstanding"] = RouterKind.LeastOutstanding,
        ["power-of-two"] = RouterKind.PowerOfTwo,
        ["kv-aware"] = RouterKind.KvAware,
        ["prefix-affinity"] = RouterKind.PrefixAffinity,
    };

    private static readonly Dictionary<string, ThinkTime> ThinkTimes = new() { ["fixed"] = ThinkTime.Fixed, ["exponential"] = ThinkTime.Exponential };
    private static readonly Dictionary<string, string> LengthKinds = new[] { "fixed", "uniform", "lognormal" }.ToDictionary(k => k);

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
        SimCatalog catalog = ReadCatalog(reader, root, file);
        int replications = reader.Integer(root, "replications", string.Empty, 1, 1, 1000);
        long seed = (long)reader.Number(root, "seed", string.Empty, 1);
        if (reader.Problems.Any(p => p.Path.StartsWith("catalog", StringComparison.Ordinal)))
        {
            // Without the user's catalog every id it defines would read as unknown: its own problems come first.
            throw new ExperimentException(reader.Problems);
        }

        // Every other problem is reported in one pass: the file's own and each sweep point's, together.
        var problems = new List<ExperimentProblem>(reader.Problems);
        var points = new List<ExperimentPoint>();
        var calibrations = new SortedSet<string>(StringComparer.Ordinal);
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
                if (!problems.Contains(problem))
                {
                    problems.Add(expanded[i].Count > 0 && problem.Line == 0 ? problem with { Path = $"{problem.Path} (sweep point {i})" } : problem);
                }
            }

            if (point is not null)
            {
                points.Add(sweep.Labels is { } labels ? point with { Name = labels[i] } : point);
            }
        }

        if (problems.Count > 0)
        {
            throw new ExperimentException(problems);
        }

        WarnOfUnusedBaseValues(root, catalog, file, sweep.Parameters.Select(p => p.Path).ToHashSet(StringComparer.Ordinal), calibrations);
        return new Experiment
        {
            Name = name,
            Description = reader.Text(root, "description", string.Empty) ?? string.Empty,
            SourceFile = file,
            Seed = seed,
            Replications = replications,
            Points = points,
            Calibrations = calibrations.ToList(),
            ZipSweep = sweep.Mode == SweepMode.Zip,
            SampledSweep = sweep.Sampled,
            LogParameters = [.. sweep.Parameters.Where(p => p.Log).Select(p => p.Path)],
            ResolvedText = Resolved(name, seed, replications, points[0], sweep),
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

    private static SimCatalog ReadCatalog(YamlReader reader, YamlMappingNode root, string file)
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
            try
            {
                if (InputFile.Problem(full) is { } problem)
                {
                    throw new IOException(problem);
                }

                using var text = new StreamReader(full);
                CsvTable table = CsvTable.Parse(text, relative);
                catalog = key switch
                {
                    "hardware" => catalog with { Hardware = catalog.Hardware.With(table) },
                    "models" => catalog with { Models = catalog.Models.With(table) },
                    _ => catalog with { Calibrations = catalog.Calibrations.With(table) },
                };
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
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

            ClusterSpec? cluster = ClusterSection.Read(r, root, catalog, calibrations);
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
        ServingPoint? serving = hasServing ? BindServing(r, root, catalog, file, arrivalFromDemand: YamlReader.Child(root, "lifecycle") is not null || hasChoices || hasEdge, calibrations) : null;
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

        LifecycleSpec? lifecycle = LifecycleSection.Read(r, root, serving?.Replicas[0].Deployment.Accelerator);
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
        if (industry is not null && (lifecycle is null || training is null))
        {
            r.Problem(YamlReader.Child(root, "industry"), "industry", "builds on a simulated lifecycle: add 'training', 'serving' and 'lifecycle' sections");
        }

        if ((hasServing && serving is null) || (hasTraining && training is null))
        {
            return null;
        }

        return new ExperimentPoint { Index = index, Parameters = parameters, Serving = serving, Training = training, Lifecycle = lifecycle, Industry = industry };
    }

    private static ServingPoint? BindServing(YamlReader r, YamlMappingNode root, SimCatalog catalog, string file, bool arrivalFromDemand, SortedSet<string> calibrations)
    {
        YamlMappingNode? serving = r.Mapping(YamlReader.Child(root, "serving"), "serving", [.. DeploymentSection.Keys, "replicas", "router", "disaggregation", "response_cache"]);
        if (serving is null)
        {
            r.Problem(root, "serving", "is required (model, hardware, replicas, ...)");
        }

        (ServingDeployment? deployment, SchedulerOptions schedulerOptions) = DeploymentSection.Read(r, serving, "serving", catalog, calibrations);
        int replicas = r.Integer(serving, "replicas", "serving", 1, 1, 100_000);
        RouterKind router = r.Choice(serving, "router", "serving", RouterKind.LeastOutstanding, Routers);

        YamlMappingNode? workload = r.Mapping(YamlReader.Child(root, "workload"), "workload", "arrival", "prompt_tokens", "output_tokens", "prompts", "queries", "conversation", "requests", "horizon_s", "warmup_s", "timeout_s", "trace");
        if (workload is null)
        {
            r.Problem(root, "workload", "is required (arrival, prompt_tokens, output_tokens, requests)");
        }

        YamlMappingNode? arrivalNode = r.Mapping(YamlReader.Child(workload, "arrival"), "workload.arrival", "kind", "rate", "load", "cv", "amplitude", "period_s", "concurrency", "think_s", "think", "ramp_s");
        ArrivalKind arrivalKind = r.Choice(arrivalNode, "kind", "workload.arrival", ArrivalKind.Poisson, ArrivalKinds.ByName);
        double? rate = YamlReader.Child(arrivalNode, "rate") is null ? null : r.Number(arrivalNode, "rate", "workload.arrival", 1, 0, exclusiveMin: true);
        double? load = YamlReader.Child(arrivalNode, "load") is null ? null : r.Number(arrivalNode, "load", "workload.arrival", 0.5, 0, 10, exclusiveMin: true);
        if (!arrivalFromDemand && arrivalKind.IsOpen() && rate is null == load is null)
        {
            r.Problem(arrivalNode ?? (YamlNode?)workload, "workload.arrival", "give exactly one of 'rate' (requests/s) or 'load' (fraction of the saturation rate)");
        }

        var arrival = new ArrivalSpec(
            arrivalKind,
            rate,
            load,
            r.Number(arrivalNode, "cv", "workload.arrival", 1, 0, exclusiveMin: true),
            r.Number(arrivalNode, "amplitude", "workload.arrival", 0.5, 0, 1),
            r.Number(arrivalNode, "period_s", "workload.arrival", 86_400, 0, exclusiveMin: true),
            r.Integer(arrivalNode, "concurrency", "workload.arrival", 16, 1, 10_000_000),
            r.Number(arrivalNode, "think_s", "workload.arrival", 0, 0))
        {
            Think = r.Choice(arrivalNode, "think", "workload.arrival", ThinkTime.Fixed, ThinkTimes),
            RampSeconds = r.Number(arrivalNode, "ramp_s", "workload.arrival", 0, 0),
        };

        YamlMappingNode? promptsNode = r.Mapping(YamlReader.Child(workload, "prompts"), "workload.prompts", "system_prompts", "users_per_prompt", "system_tokens");
        PromptSet prompts = promptsNode is null
            ? PromptSet.None
            : new PromptSet(
                r.Integer(promptsNode, "system_prompts", "workload.prompts", 1, 1, 10_000_000),
                r.Integer(promptsNode, "users_per_prompt", "workload.prompts", 1, 1, 10_000_000),
                r.Integer(promptsNode, "system_tokens", "workload.prompts", 0, 0, 10_000_000));

        YamlMappingNode? queriesNode = r.Mapping(YamlReader.Child(workload, "queries"), "workload.queries", "catalog", "zipf");
        QuerySpec? queries = queriesNode is null
            ? null
            : new QuerySpec(r.Integer(queriesNode, "catalog", "workload.queries", 10_000, 1, 100_000_000), r.Number(queriesNode, "zipf", "workload.queries", 1, 0, 10));
        if (queries is not null && promptsNode is not null)
        {
            r.Problem(queriesNode, "workload.queries", "give 'prompts' (shared system prompts) or 'queries' (repeated questions), not both");
        }

        YamlMappingNode? answersNode = r.Mapping(YamlReader.Child(serving, "response_cache"), "serving.response_cache", "entries", "ttl_s", "lookup_ms");
        ResponseCacheOptions? responseCache = answersNode is null
            ? null
            : new ResponseCacheOptions
            {
                Entries = r.Integer(answersNode, "entries", "serving.response_cache", 10_000, 0, 100_000_000),
                TtlSeconds = r.Number(answersNode, "ttl_s", "serving.response_cache", 3600, 0, exclusiveMin: true),
                LookupSeconds = r.Number(answersNode, "lookup_ms", "serving.response_cache", 5, 0, 60_000) / 1e3,
            };
        if (responseCache is not null && !arrivalKind.IsOpen())
        {
            r.Problem(answersNode, "serving.response_cache", $"needs open arrivals (poisson, gamma, constant or diurnal), not '{arrivalKind.Name()}'");
        }

        YamlMappingNode? conversationNode = r.Mapping(YamlReader.Child(workload, "conversation"), "workload.conversation", "turns", "think_s", "follow_up_tokens");
        ConversationSpec? conversation = conversationNode is null
            ? null
            : new ConversationSpec(
                r.Integer(conversationNode, "turns", "workload.conversation", 4, 1, 10_000),
                r.Number(conversationNode, "think_s", "workload.conversation", 10, 0, 1e9),
                ReadLengths(r, conversationNode, "follow_up_tokens", 100, "workload.conversation"));
        if (conversation is not null && !arrivalKind.IsOpen())
        {
            r.Problem(conversationNode, "workload.conversation", $"needs open arrivals (poisson, gamma, constant or diurnal), not '{arrivalKind.Name()}'");
        }

        IReadOnlyList<TraceRecord>? trace = null;
        YamlMappingNode? traceNode = r.Mapping(YamlReader.Child(workload, "trace"), "workload.trace", "file");
        if (arrivalKind == ArrivalKind.Trace)
        {
            string? traceFile = r.Text(traceNode, "file", "workload.trace", required: true);
            if (traceFile is not null)
            {
                string full = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", traceFile);
                try
                {
                    trace = TraceFile.Read(full);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or CatalogException)
                {
                    r.Problem(YamlReader.Child(traceNode, "file"), "workload.trace.file", e.Message);
                }
            }
        }

        LengthSpec prompt = ReadLengths(r, workload, "prompt_tokens", 512);
        LengthSpec output = ReadLengths(r, workload, "output_tokens", 256);
        YamlMappingNode? slo = r.Mapping(YamlReader.Child(root, "slo"), "slo", "ttft_s", "tpot_s");
        YamlMappingNode? outputs = r.Mapping(YamlReader.Child(root, "outputs"), "outputs", "series_interval_s", "series_max_points");
        long requests = (long)r.Number(workload, "requests", "workload", 10_000, 1, 1e9);

        if (deployment is null)
        {
            return null;
        }

        var testTime = TestTimeSection.Read(r, root, deployment.Accelerator.PricePerHour, deployment.Accelerator.Id);
        YamlMappingNode? split = r.Mapping(YamlReader.Child(serving, "disaggregation"), "serving.disaggregation", "prefill_replicas", "kv_link_gb_s", "latency_us", "decode");
        Disaggregation? disaggregation = null;
        IReadOnlyList<ReplicaGroup> groups = [new ReplicaGroup(deployment, schedulerOptions, replicas)];
        if (split is not null)
        {
            // prefill_replicas: 0 serves colocated, so a sweep can compare against no disaggregation.
            disaggregation = new Disaggregation(
                r.Integer(split, "prefill_replicas", "serving.disaggregation", 1, 0, 100_000),
                r.Number(split, "kv_link_gb_s", "serving.disaggregation", deployment.Accelerator.ScaleOutGBps ?? 50, 0, exclusiveMin: true),
                r.Number(split, "latency_us", "serving.disaggregation", 20, 0) / 1e6);
            if (disaggregation.PrefillReplicas >= replicas)
            {
                r.Problem(YamlReader.Child(split, "prefill_replicas"), "serving.disaggregation.prefill_replicas", $"{disaggregation.PrefillReplicas} leaves no decode replica of the {replicas}; use fewer or raise serving.replicas");
            }

            if (testTime is not null)
            {
                r.Problem(split, "serving.disaggregation", "cannot be combined with test_time yet");
            }

            if (disaggregation.PrefillReplicas == 0)
            {
                disaggregation = null;
            }
            else if (DecodeGroup(r, split, deployment, schedulerOptions, replicas - disaggregation.PrefillReplicas, catalog, calibrations) is { } decode)
            {
                // The decode pool on its own hardware: the first prefill_replicas replicas prefill, the rest decode.
                groups = [new ReplicaGroup(deployment, schedulerOptions, disaggregation.PrefillReplicas), decode];
            }
        }

        return new ServingPoint
        {
            TestTime = testTime,
            Disaggregation = disaggregation,
            Replicas = groups,
            Router = router,
            Arrival = arrival,
            Prompt = prompt,
            Output = output,
            Prompts = prompts,
            Conversation = conversation,
            Queries = queries,
            ResponseCache = responseCache,
            Trace = trace,
            Requests = requests,
            HorizonSeconds = r.Number(workload, "horizon_s", "workload", double.PositiveInfinity, 0, exclusiveMin: true),
            WarmupSeconds = r.Number(workload, "warmup_s", "workload", 0, 0),
            ClientTimeoutSeconds = r.Number(workload, "timeout_s", "workload", double.PositiveInfinity, 0, exclusiveMin: true),
            Slo = new ServiceLevelObjective(r.Number(slo, "ttft_s", "slo", 2, 0, exclusiveMin: true), r.Number(slo, "tpot_s", "slo", 0.2, 0, exclusiveMin: true)),
            SeriesIntervalSeconds = r.Number(outputs, "series_interval_s", "outputs", 10, 0, exclusiveMin: true),

            // A chosen interval is kept at full resolution; the default 10 s doubles as needed to stay within 4,096 points.
            SeriesMaxPoints = r.Integer(outputs, "series_max_points", "outputs", YamlReader.Child(outputs, "series_interval_s") is null ? DefaultSeriesPoints : 0, 0, 100_000_000),
        };
    }

    /// <summary>
    /// <c>serving.disaggregation.decode</c>: the decode pool's replica shape when it differs from the prefill pool's (other
    /// hardware, parallelism or precision; the same model, whose KV cache crosses the link), or null to decode on the same.
    /// </summary>
    private static ReplicaGroup? DecodeGroup(
        YamlReader r, YamlMappingNode split, ServingDeployment prefill, SchedulerOptions scheduler, int count, SimCatalog catalog, SortedSet<string> calibrations)
    {
        const string path = "serving.disaggregation.decode";
        YamlMappingNode? node = r.Mapping(YamlReader.Child(split, "decode"), path, DeploymentSection.Keys);
        if (node is null || count < 1)
        {
            return null;
        }

        AcceleratorSpec? chip = YamlReader.Child(node, "hardware") is null ? prefill.Accelerator : null;
        (ServingDeployment? decode, SchedulerOptions decodeScheduler) = DeploymentSection.Read(r, node, path, catalog, calibrations, chip, prefill.Model.Id);
        if (decode is null)
        {
            return null;
        }

        if (decode.Model.Id != prefill.Model.Id)
        {
            r.Problem(YamlReader.Child(node, "model"), $"{path}.model", $"decodes the prefill pool's KV cache, so it serves the same model ({prefill.Model.Id}), not {decode.Model.Id}");
            return null;
        }

        return new ReplicaGroup(decode, YamlReader.Child(node, "scheduler") is null ? scheduler : decodeScheduler, count);
    }

    internal static LengthSpec ReadLengths(YamlReader r, YamlMappingNode? workload, string key, double defaultMean, string parent = "workload")
    {
        string path = $"{parent}.{key}";
        YamlMappingNode? node = r.Mapping(YamlReader.Child(workload, key), path, "kind", "mean", "median", "sigma", "min", "max");
        string kind = r.Choice(node, "kind", path, node is null ? "fixed" : "lognormal", LengthKinds);
        double mean = r.Number(node, "mean", path, defaultMean, 1);
        double median = r.Number(node, "median", path, 0, 0);
        if (kind == "lognormal" && median > mean)
        {
            r.Problem(YamlReader.Child(node, "median"), $"{path}.median", $"a log-normal's median ({median}) cannot exceed its mean ({mean})");
        }

        int min = r.Integer(node, "min", path, 1, 1);
        int max = r.Integer(node, "max", path, kind == "uniform" ? (int)(2 * mean) : 1_000_000, 1);
        if (max < min)
        {
            r.Problem(YamlReader.Child(node, "max"), $"{path}.max", $"max ({max}) is below min ({min})");
        }

        return new LengthSpec(kind, mean, median, r.Number(node, "sigma", path, 1, 0), min, max);
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

    private static string Resolved(string name, long seed, int replications, ExperimentPoint point, SweepSection sweep)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"name: {name}");
        text.AppendLine(CultureInfo.InvariantCulture, $"seed: {seed}");
        text.AppendLine(CultureInfo.InvariantCulture, $"replications: {replications}");
        if (point.Training is { } job)
        {
            text.Append(ResolvedSections.Training(job));
        }

        if (point.Serving is { } serving)
        {
            text.Append(ResolvedServing(serving));
        }

        if (point.Lifecycle is { } lifecycle)
        {
            text.Append(ResolvedSections.Lifecycle(lifecycle));
        }

        if (point.Cluster is { } cluster)
        {
            text.Append(ClusterSection.Resolved(cluster));
        }

        text.Append(sweep.Resolved());
        return text.ToString();
    }

    private static string ResolvedServing(ServingPoint p)
    {
        ReplicaGroup g = p.Replicas[0];
        ServingDeployment d = g.Deployment;
        string L(LengthSpec s) => $"{{ kind: {s.Kind}, mean: {F(s.Mean)}, median: {F(s.Median)}, sigma: {F(s.Sigma)}, min: {s.Min}, max: {s.Max} }}";
        var text = new StringBuilder();
        text.AppendLine("serving:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  model: {d.Model.Id}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  hardware: {d.Accelerator.Id}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  engine: {DeploymentSection.Engines.First(e => e.Value == d.Engine).Key}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  replicas: {p.Replicas.Sum(x => x.Count)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  tensor_parallel: {d.TensorParallel}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  pipeline_parallel: {d.PipelineParallel}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  weights: {d.Weights.ToString().ToLowerInvariant()}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  kv_cache: {d.KvCache.ToString().ToLowerInvariant()}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  memory_reserve: {F(d.MemoryReserve)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  scheduler: {{ kind: {DeploymentSection.Schedulers.First(s => s.Value == g.Scheduler.Kind).Key}, max_sequences: {g.Scheduler.MaxSequences}, max_batched_tokens: {g.Scheduler.MaxBatchedTokens}, prefix_caching: {(g.Scheduler.PrefixCaching ? "true" : "false")}, kv_offload_gib: {F(g.Scheduler.HostKvBytes / 1073741824.0)}, kv_admission: {DeploymentSection.KvAdmissions.First(a => a.Value == g.Scheduler.KvAdmission).Key}, async_scheduling: {(g.Scheduler.AsyncScheduling ? "true" : "false")} }}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  router: {Routers.First(r => r.Value == p.Router).Key}");
        if (p.ResponseCache is { } rc)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  response_cache: {{ entries: {rc.Entries}, ttl_s: {F(rc.TtlSeconds)}, lookup_ms: {F(rc.LookupSeconds * 1e3)} }}");
        }
        if (d.Speculative is { } speculative)
        {
            text.Append(SpeculativeSection.Resolved(speculative));
        }

        if (d.MoeRouting is { } moe)
        {
            text.Append(MoeSection.Resolved(moe));
        }

        if (p.Disaggregation is { } split)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  disaggregation: {{ prefill_replicas: {split.PrefillReplicas}, kv_link_gb_s: {F(split.KvLinkGBps)}, latency_us: {F(split.TransferLatencySeconds * 1e6)} }}");
            if (p.Replicas.Count > 1 && p.Replicas[1].Deployment is var dd)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  # decode pool: {p.Replicas[1].Count} × {{ hardware: {dd.Accelerator.Id}, tensor_parallel: {dd.TensorParallel}, weights: {dd.Weights.ToString().ToLowerInvariant()}, kv_cache: {dd.KvCache.ToString().ToLowerInvariant()}, calibration: {dd.CalibrationName} }}");
            }
        }

        EfficiencyFactors e = d.Efficiency;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  efficiency: {{ compute: {F(e.Compute)}, gemm_half_tokens: {F(e.GemmHalfTokens)}, gemm_kernel_us: {F(e.GemmKernelSeconds * 1e6)}, memory: {F(e.Memory)}, attention: {F(e.Attention)}, kv_read: {F(e.KvRead)}, link: {F(e.Link)}, collective_latency_us: {F(e.CollectiveLatencySeconds * 1e6)}, overhead_ms: {F(e.IterationOverheadSeconds * 1e3)}, sequence_overhead_us: {F(e.SequenceOverheadSeconds * 1e6)}, request_overhead_ms: {F(e.RequestOverheadSeconds * 1e3)} }}   # {d.CalibrationName}");
        text.AppendLine("workload:");
        ArrivalSpec a = p.Arrival;
        string rateOrLoad = a.Rate is { } rate ? $"rate: {F(rate)}" : a.Load is { } load ? $"load: {F(load)}" : "rate: null";
        text.AppendLine(CultureInfo.InvariantCulture, $"  arrival: {{ kind: {a.Kind.Name()}, {rateOrLoad}, cv: {F(a.Cv)}, amplitude: {F(a.Amplitude)}, period_s: {F(a.PeriodSeconds)}, concurrency: {a.Concurrency}, think_s: {F(a.ThinkSeconds)}, think: {a.Think.ToString().ToLowerInvariant()}, ramp_s: {F(a.RampSeconds)} }}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  prompt_tokens: {L(p.Prompt)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  output_tokens: {L(p.Output)}");
        if (p.Queries is { } q)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  queries: {{ catalog: {q.Catalog}, zipf: {F(q.Zipf)} }}");
        }

        if (p.Conversation is { } c)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  conversation: {{ turns: {c.Turns}, think_s: {F(c.ThinkSeconds)}, follow_up_tokens: {L(c.FollowUp)} }}");
        }

        if (p.Prompts.Distinct > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  prompts: {{ system_prompts: {p.Prompts.SystemPrompts}, users_per_prompt: {p.Prompts.UsersPerPrompt}, system_tokens: {p.Prompts.SystemTokens} }}");
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"  requests: {p.Requests}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  horizon_s: {(double.IsPositiveInfinity(p.HorizonSeconds) ? ".inf" : F(p.HorizonSeconds))}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  warmup_s: {F(p.WarmupSeconds)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  timeout_s: {(double.IsPositiveInfinity(p.ClientTimeoutSeconds) ? ".inf" : F(p.ClientTimeoutSeconds))}");
        text.AppendLine(CultureInfo.InvariantCulture, $"slo: {{ ttft_s: {F(p.Slo.TtftSeconds)}, tpot_s: {F(p.Slo.TpotSeconds)} }}");
        text.AppendLine(CultureInfo.InvariantCulture, $"outputs: {{ series_interval_s: {F(p.SeriesIntervalSeconds)}, series_max_points: {p.SeriesMaxPoints} }}");
        if (p.TestTime is { } tt)
        {
            text.Append(TestTimeSection.Resolved(tt));
        }

        return text.ToString();
    }
}
