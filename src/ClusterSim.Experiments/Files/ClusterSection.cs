using System.Globalization;
using System.Text;
using ClusterSim.Core.Catalog;
using ClusterSim.Core.Cluster;
using ClusterSim.Core.Economics;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Performance;
using YamlDotNet.RepresentationModel;

namespace ClusterSim.Experiments.Files;

/// <summary>
/// Binds <c>cluster:</c>: pools by name, training jobs by name (a <c>repeat</c> makes a stream of them), and serving
/// deployments by name with one replica shape per pool they may use. Jobs bind as the <c>training:</c> section does,
/// replica shapes as <c>serving:</c> does, so a cluster holds exactly what a single-workload experiment would.
/// </summary>
internal static class ClusterSection
{
    private const string Path = "cluster";

    private static readonly Dictionary<string, bool> Fidelities = new() { ["capacity"] = false, ["requests"] = true };

    private static readonly Dictionary<string, ClusterPolicy> Policies = new()
    {
        ["static"] = ClusterPolicy.Static,
        ["shared"] = ClusterPolicy.Shared,
        ["harvest"] = ClusterPolicy.Harvest,
    };

    private static readonly Dictionary<string, ElasticBatch> ElasticBatches = new() { ["fixed"] = ElasticBatch.Fixed, ["scaled"] = ElasticBatch.Scaled };

    public static ClusterSpec? Read(YamlReader r, YamlMappingNode root, SimCatalog catalog, string file, SortedSet<string> calibrations)
    {
        YamlMappingNode? node = r.Mapping(YamlReader.Child(root, Path), Path, "policy", "days", "interval_s", "harvest_lookahead_h", "energy", "pools", "training", "deployments", "maintenance");
        if (node is null)
        {
            return null;
        }

        YamlMappingNode? energy = r.Mapping(YamlReader.Child(node, "energy"), "cluster.energy", "usd_per_kwh", "pue", "idle_fraction");
        var defaults = new EnergyModel();
        double days = r.Number(node, "days", Path, 30, 0, 36_500, exclusiveMin: true);
        var pools = ReadPools(r, node, catalog, calibrations);
        var byName = pools.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var jobs = ReadJobs(r, node, catalog, byName, calibrations);
        var deployments = ReadDeployments(r, node, catalog, file, days, byName, calibrations);
        ClusterPolicy policy = r.Choice(node, "policy", Path, ClusterPolicy.Shared, Policies);
        foreach (ClusterTrainingJob job in jobs.DistinctBy(j => j.Stream))
        {
            AcceleratorPool pool = byName[job.Pool];
            int limit = policy == ClusterPolicy.Static ? pool.Count - pool.ServingReserve : pool.Count;
            if (job.Gang > limit)
            {
                YamlNode? at = YamlReader.Child(YamlReader.Child(node, "training") as YamlMappingNode, job.Stream);
                r.Problem(at, $"cluster.training.{job.Stream}", $"needs {job.Gang} accelerators at once but pool {pool.Name} has {limit} for training{(policy == ClusterPolicy.Static ? " (count less serving_reserve, under policy: static)" : string.Empty)}");
            }
        }
        if (pools.Count == 0)
        {
            r.Problem(node, "cluster.pools", "is required: at least one pool (name: { hardware, count, price_per_hour })");
        }

        if (jobs.Count == 0 && deployments.Count == 0 && !HasEntries(node, "training") && !HasEntries(node, "deployments"))
        {
            // (Entries that could not be read have said why; another line saying there are none would mislead.)
            r.Problem(node, Path, "place at least one workload: a job under 'training' or a deployment under 'deployments'");
        }

        double interval = r.Number(node, "interval_s", Path, 300, 1, 86_400);
        if (days * 86_400 < interval)
        {
            r.Problem(YamlReader.Child(node, "days") ?? node, $"{Path}.days", $"{days * 86_400:G3} s is shorter than one decision interval ({interval:G3} s, interval_s)");
        }

        return new ClusterSpec
        {
            Maintenance = ReadMaintenance(r, node, byName),
            Policy = policy,
            HorizonSeconds = days * 86_400,
            IntervalSeconds = interval,
            HarvestLookaheadSeconds = r.Number(node, "harvest_lookahead_h", Path, 3, 0, 24 * 365) * 3600,
            Energy = new EnergyModel(
                r.Number(energy, "usd_per_kwh", "cluster.energy", defaults.UsdPerKwh, 0),
                r.Number(energy, "pue", "cluster.energy", defaults.Pue, 1, 3),
                r.Number(energy, "idle_fraction", "cluster.energy", defaults.IdleFraction, 0, 1)),
            Pools = pools,
            Jobs = jobs,
            Deployments = deployments,
        };
    }

    /// <summary>
    /// The planned maintenance windows: whole nodes of a pool offline from <c>start_h</c> for <c>hours</c>, again every
    /// <c>every_h</c> when given.
    /// </summary>
    private static List<MaintenanceWindow> ReadMaintenance(YamlReader r, YamlMappingNode cluster, Dictionary<string, AcceleratorPool> pools)
    {
        var windows = new List<MaintenanceWindow>();
        foreach ((string name, YamlNode value) in r.NamedEntries(cluster, "maintenance", Path))
        {
            string path = $"cluster.maintenance.{name}";
            YamlMappingNode? node = r.Mapping(value, path, "pool", "accelerators", "start_h", "hours", "every_h");
            string poolName = r.Text(node, "pool", path, required: true) ?? string.Empty;
            int accelerators = r.Integer(node, "accelerators", path, 0, 1, 10_000_000);
            if (YamlReader.Child(node, "accelerators") is null)
            {
                r.Problem(node, $"{path}.accelerators", "is required (whole nodes of the pool, taken offline)");
            }

            double hours = r.Number(node, "hours", path, 1, 0, 24 * 36_500, exclusiveMin: true);
            double every = r.Number(node, "every_h", path, 0, 0, 24 * 36_500);
            if (every > 0 && every <= hours)
            {
                r.Problem(YamlReader.Child(node, "every_h"), $"{path}.every_h", $"{every:G6} h is not longer than the window ({hours:G6} hours): the windows would overlap");
            }

            AcceleratorPool? pool = pools.GetValueOrDefault(poolName);
            if (poolName.Length > 0 && pool is null)
            {
                r.Problem(YamlReader.Child(node, "pool"), $"{path}.pool", $"no pool named '{poolName}'{ClosestName.Hint(poolName, pools.Keys)} (pools: {string.Join(", ", pools.Keys)})");
            }
            else if (pool is not null && accelerators > 0 && (accelerators > pool.Count || accelerators % pool.NodeSize != 0))
            {
                r.Problem(YamlReader.Child(node, "accelerators"), $"{path}.accelerators", $"takes whole nodes of pool {pool.Name} ({pool.NodeSize} accelerators each, {pool.Count:N0} in all); got {accelerators:N0}");
            }

            windows.Add(new MaintenanceWindow
            {
                Name = name,
                Pool = poolName,
                Accelerators = accelerators,
                StartSeconds = r.Number(node, "start_h", path, 0, 0, 24 * 36_500) * 3600,
                Seconds = hours * 3600,
                EverySeconds = every * 3600,
            });
        }

        return windows;
    }

    private static List<AcceleratorPool> ReadPools(YamlReader r, YamlMappingNode cluster, SimCatalog catalog, SortedSet<string> calibrations)
    {
        var pools = new List<AcceleratorPool>();
        foreach ((string name, YamlNode value) in r.NamedEntries(cluster, "pools", Path))
        {
            string path = $"cluster.pools.{name}";
            YamlMappingNode? node = r.Mapping(value, path, "hardware", "count", "node_size", "price_per_hour", "serving_reserve");
            string id = r.Text(node, "hardware", path, required: true) ?? string.Empty;
            if (id.Length == 0)
            {
                continue;
            }

            if (!catalog.Hardware.TryResolve(id, out AcceleratorSpec chip))
            {
                r.Problem(YamlReader.Child(node, "hardware"), $"{path}.hardware", $"unknown hardware '{id}'{ClosestName.Hint(id, catalog.Hardware.Ids)}");
                continue;
            }

            if (YamlReader.Child(node, "price_per_hour") is null && chip.PricePerHour is null)
            {
                r.Problem(node, $"{path}.price_per_hour", $"{chip.Id} has no price in the catalog; give price_per_hour (USD per accelerator-hour, rent or amortised purchase)");
            }

            int count = r.Integer(node, "count", path, 0, 0, 10_000_000);
            if (YamlReader.Child(node, "count") is null)
            {
                r.Problem(node, $"{path}.count", "is required (accelerators in the pool)");
            }

            pools.Add(new AcceleratorPool
            {
                Name = name,
                Accelerator = chip,
                Count = count,
                NodeSize = r.Integer(node, "node_size", path, chip.ScaleUpDomain ?? 8, 1, 1024),
                PricePerHour = r.Number(node, "price_per_hour", path, chip.PricePerHour ?? 0, 0),
                ServingReserve = r.Integer(node, "serving_reserve", path, 0, 0, 10_000_000),
            });
            if (chip.ScaleUpDomain is int domain && pools[^1].NodeSize != domain)
            {
                // Not silent: the step model times a replica's collectives on the chip's domain, not on this node size.
                calibrations.Add($"warning: {path}.node_size: {pools[^1].NodeSize} accelerators a node, but {chip.Id}'s scale-up domain in the catalog is {domain}: serving replicas' collectives are timed on the catalog's domain (its link within {domain}, the network beyond)");
            }

            if (pools[^1].ServingReserve > count)
            {
                r.Problem(YamlReader.Child(node, "serving_reserve"), $"{path}.serving_reserve", $"{pools[^1].ServingReserve} exceeds the pool's {count} accelerators");
            }
        }

        return pools;
    }

    private static List<ClusterTrainingJob> ReadJobs(YamlReader r, YamlMappingNode cluster, SimCatalog catalog, Dictionary<string, AcceleratorPool> pools, SortedSet<string> calibrations)
    {
        var jobs = new List<ClusterTrainingJob>();
        foreach ((string name, YamlNode value) in r.NamedEntries(cluster, "training", Path))
        {
            string path = $"cluster.training.{name}";
            YamlMappingNode? node = r.Mapping(value, path, [.. TrainingSection.JobKeys, "pool", "submit_h", "priority", "preemptible", "elastic_max", "elastic_min", "elastic_batch", "repeat"]);
            if (node is null || PoolOf(r, node, path, pools) is not { } pool)
            {
                continue;
            }

            if (TrainingSection.ReadJob(r, node, path, catalog, pool.Accelerator, calibrations) is not { } job)
            {
                continue;
            }

            YamlMappingNode? repeat = r.Mapping(YamlReader.Child(node, "repeat"), $"{path}.repeat", "count", "every_h");
            int copies = r.Integer(repeat, "count", $"{path}.repeat", 1, 1, 100_000);
            double every = r.Number(repeat, "every_h", $"{path}.repeat", 24, 0, exclusiveMin: true) * 3600;
            var template = new ClusterTrainingJob
            {
                Name = name,
                Job = job,
                Pool = pool.Name,
                SubmitSeconds = r.Number(node, "submit_h", path, 0, 0) * 3600,
                Priority = r.Integer(node, "priority", path, 0, -1000, 1000),
                Preemptible = r.Flag(node, "preemptible", path, true),
                ElasticMaxAccelerators = r.Integer(node, "elastic_max", path, 0, 0, 10_000_000),
                ElasticMinAccelerators = r.Integer(node, "elastic_min", path, 0, 0, 10_000_000),
                ElasticBatch = r.Choice(node, "elastic_batch", path, ElasticBatch.Fixed, ElasticBatches),
            };
            if (!Accepted(r, node, path, template))
            {
                continue;
            }

            jobs.AddRange(repeat is null
                ? [template]
                : Enumerable.Range(0, copies).Select(i => template with { Name = $"{name}-{i + 1}", Stream = name, SubmitSeconds = template.SubmitSeconds + (i * every) }));
        }

        return jobs;
    }

    private static List<ClusterDeploymentSpec> ReadDeployments(
        YamlReader r, YamlMappingNode cluster, SimCatalog catalog, string file, double days, Dictionary<string, AcceleratorPool> pools, SortedSet<string> calibrations)
    {
        var deployments = new List<ClusterDeploymentSpec>();
        foreach ((string name, YamlNode value) in r.NamedEntries(cluster, "deployments", Path))
        {
            string path = $"cluster.deployments.{name}";
            YamlMappingNode? node = r.Mapping(value, path,
                "model", "demand", "launch_h", "headroom", "cold_start_s", "min_replicas", "cell_replicas", "cell_requests", "slo", "prompt_tokens", "output_tokens", "max_tokens", "fidelity", "router", "placements");
            if (node is null)
            {
                continue;
            }

            YamlMappingNode? slo = r.Mapping(YamlReader.Child(node, "slo"), $"{path}.slo", "ttft_s", "tpot_s");
            var objective = new ServiceLevelObjective(r.Number(slo, "ttft_s", $"{path}.slo", 2, 0, exclusiveMin: true), r.Number(slo, "tpot_s", $"{path}.slo", 0.2, 0, exclusiveMin: true));
            LengthSpec prompt = ServingSection.ReadLengths(r, node, "prompt_tokens", 512, path);
            LengthSpec output = ServingSection.ReadLengths(r, node, "output_tokens", 256, path);
            long requests = r.Integer(node, "cell_requests", path, 2000, 100, 10_000_000);
            bool sendsMaxTokens = r.Choice(node, "max_tokens", path, true, ServingSection.MaxTokensModes);
            string? model = r.Text(node, "model", path);
            double launchHours = r.Number(node, "launch_h", path, 0, 0);
            DemandCurve demand = DemandSection.Read(r, node, path, file, output, days - (launchHours / 24), calibrations);

            var placements = new List<(string, ServingPoint, string?)>();
            foreach ((string poolName, YamlNode shape) in r.NamedEntries(node, "placements", path))
            {
                string placementPath = $"{path}.placements.{poolName}";
                YamlMappingNode? shapeNode = r.Mapping(shape, placementPath, [.. DeploymentSection.Keys.Where(k => k != "hardware"), "disaggregation"]);
                if (!pools.TryGetValue(poolName, out AcceleratorPool? pool))
                {
                    r.Problem(shape, placementPath, $"no pool named '{poolName}'{ClosestName.Hint(poolName, pools.Keys)} (pools: {string.Join(", ", pools.Keys)})");
                    continue;
                }

                (ServingDeployment? deployment, SchedulerOptions scheduler) = DeploymentSection.Read(r, shapeNode, placementPath, catalog, calibrations, pool.Accelerator, model);
                if (deployment is null)
                {
                    continue;
                }

                ContextCheck.Check(r, node, path, placementPath, deployment, prompt, output, trace: null, calibrations, sendsMaxTokens: sendsMaxTokens);
                if (!AcceleratorPool.HoldsReplica(pool.NodeSize, deployment.Accelerators))
                {
                    r.Problem(shapeNode, placementPath, $"a replica of {deployment.Accelerators} accelerators neither fits a node of {pool.NodeSize} nor fills whole nodes");
                }

                IReadOnlyList<ReplicaGroup> groups = [new ReplicaGroup(deployment, scheduler, 1)];
                Disaggregation? split = null;
                string? decodePool = null;
                if (YamlReader.Child(shapeNode, "disaggregation") is not null)
                {
                    if (ReadSplit(r, shapeNode!, placementPath, deployment, scheduler, pools, catalog, calibrations) is not { } read)
                    {
                        continue;
                    }

                    (groups, split, decodePool) = read;
                }

                placements.Add((poolName, new ServingPoint
                {
                    Replicas = groups,
                    Disaggregation = split,
                    Arrival = new ArrivalSpec(ArrivalKind.Poisson, null, 1, 1, 0, 86_400, 1, 0),
                    Prompt = prompt,
                    Output = output,
                    Requests = requests,
                    HorizonSeconds = double.PositiveInfinity,
                    ClientSendsMaxTokens = sendsMaxTokens,
                    Slo = objective,
                    SeriesIntervalSeconds = 10,
                }, decodePool));
            }

            bool requestLevel = r.Choice(node, "fidelity", path, false, Fidelities);

            if (placements.Count == 0 && YamlReader.Child(node, "placements") is null)
            {
                r.Problem(node, $"{path}.placements", "is required: one replica shape per pool the deployment may use (pool: { model, tensor_parallel, weights, ... })");
            }

            deployments.Add(new ClusterDeploymentSpec
            {
                Name = name,
                Demand = demand,
                LaunchSeconds = launchHours * 3600,
                Headroom = r.Number(node, "headroom", path, 0.2, 0, 0.95),
                ColdStartSeconds = r.Number(node, "cold_start_s", path, 600, 0),
                MinReplicas = r.Integer(node, "min_replicas", path, 1, 0, 1_000_000),
                CellReplicas = r.Integer(node, "cell_replicas", path, 2, 1, 64),
                RequestLevel = requestLevel,
                Router = r.Choice(node, "router", path, ClusterSim.Core.Inference.Routing.RouterKind.LeastOutstanding, ExperimentLoader.RouterNames),
                Placements = placements,
            });
        }

        return deployments;
    }

    /// <summary>The section as YAML with every default explicit; a <c>repeat</c> is written out as its jobs.</summary>
    public static string Resolved(ClusterSpec c)
    {
        var t = new StringBuilder();
        string F(double v) => ResolvedSections.F(v);
        t.AppendLine("cluster:");
        t.AppendLine(CultureInfo.InvariantCulture, $"  policy: {Policies.First(p => p.Value == c.Policy).Key}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  days: {F(c.HorizonSeconds / 86_400)}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  interval_s: {F(c.IntervalSeconds)}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  harvest_lookahead_h: {F(c.HarvestLookaheadSeconds / 3600)}");
        t.AppendLine(CultureInfo.InvariantCulture, $"  energy: {{ usd_per_kwh: {F(c.Energy.UsdPerKwh)}, pue: {F(c.Energy.Pue)}, idle_fraction: {F(c.Energy.IdleFraction)} }}");
        t.AppendLine("  pools:");
        foreach (AcceleratorPool p in c.Pools)
        {
            t.AppendLine(CultureInfo.InvariantCulture, $"    {p.Name}: {{ hardware: {p.Accelerator.Id}, count: {p.Count}, node_size: {p.NodeSize}, price_per_hour: {F(p.PricePerHour)}, serving_reserve: {p.ServingReserve} }}");
        }

        t.AppendLine(c.Jobs.Count == 0 ? "  training: {}" : "  training:");
        foreach (IGrouping<string, ClusterTrainingJob> stream in c.Jobs.GroupBy(j => j.Stream))
        {
            // A stream of repeated jobs is written back as its first with its repeat (the copies differ only in name and
            // submission time, every_h apart).
            ClusterTrainingJob j = stream.First();
            t.AppendLine(CultureInfo.InvariantCulture, $"    {stream.Key}:");
            t.AppendLine(CultureInfo.InvariantCulture, $"      pool: {j.Pool}");
            t.AppendLine(CultureInfo.InvariantCulture, $"      submit_h: {F(j.SubmitSeconds / 3600)}");
            t.AppendLine(CultureInfo.InvariantCulture, $"      priority: {j.Priority}");
            t.AppendLine(CultureInfo.InvariantCulture, $"      preemptible: {(j.Preemptible ? "true" : "false")}");
            t.AppendLine(CultureInfo.InvariantCulture, $"      elastic_max: {j.ElasticMaxAccelerators}");
            t.AppendLine(CultureInfo.InvariantCulture, $"      elastic_min: {j.ElasticMinAccelerators}");
            t.AppendLine(CultureInfo.InvariantCulture, $"      elastic_batch: {ElasticBatches.First(b => b.Value == j.ElasticBatch).Key}");
            if (stream.Count() > 1 || j.Name != stream.Key)
            {
                double every = stream.Count() > 1 ? (stream.ElementAt(1).SubmitSeconds - j.SubmitSeconds) / 3600 : 24;
                t.AppendLine(CultureInfo.InvariantCulture, $"      repeat: {{ count: {stream.Count()}, every_h: {F(every)} }}");
            }

            // The job as a training section writes it, one level in, without the hardware (the pool's).
            foreach (string line in ResolvedSections.TrainingKeys(j.Job, "    ", withHardware: false))
            {
                t.AppendLine(line);
            }
        }

        if (c.Maintenance.Count > 0)
        {
            t.AppendLine("  maintenance:");
            foreach (MaintenanceWindow w in c.Maintenance)
            {
                t.AppendLine(CultureInfo.InvariantCulture, $"    {w.Name}: {{ pool: {w.Pool}, accelerators: {w.Accelerators}, start_h: {F(w.StartSeconds / 3600)}, hours: {F(w.Seconds / 3600)}, every_h: {F(w.EverySeconds / 3600)} }}");
            }
        }

        t.AppendLine(c.Deployments.Count == 0 ? "  deployments: {}" : "  deployments:");
        foreach (ClusterDeploymentSpec d in c.Deployments)
        {
            t.AppendLine(CultureInfo.InvariantCulture, $"    {d.Name}:");
            t.AppendLine(CultureInfo.InvariantCulture, $"      demand: {DemandSection.Resolved(d.Demand)}");
            t.AppendLine(CultureInfo.InvariantCulture, $"      launch_h: {F(d.LaunchSeconds / 3600)}");
            t.AppendLine(CultureInfo.InvariantCulture, $"      headroom: {F(d.Headroom)}");
            t.AppendLine(CultureInfo.InvariantCulture, $"      cold_start_s: {F(d.ColdStartSeconds)}");
            t.AppendLine(CultureInfo.InvariantCulture, $"      min_replicas: {d.MinReplicas}");
            t.AppendLine(CultureInfo.InvariantCulture, $"      cell_replicas: {d.CellReplicas}");
            t.AppendLine(CultureInfo.InvariantCulture, $"      fidelity: {(d.RequestLevel ? "requests" : "capacity")}");
            t.AppendLine(CultureInfo.InvariantCulture, $"      router: {ExperimentLoader.RouterNames.First(x => x.Value == d.Router).Key}");
            if (d.Placements.Count > 0)
            {
                // The cell's workload and SLO are the deployment's, the same in every placement.
                ServingPoint cell = d.Placements[0].Cell;
                string L(LengthSpec x) => $"{{ kind: {x.Kind}, mean: {F(x.Mean)}, median: {F(x.Median)}, sigma: {F(x.Sigma)}, min: {x.Min}, max: {x.Max} }}";
                t.AppendLine(CultureInfo.InvariantCulture, $"      cell_requests: {cell.Requests}");
                t.AppendLine(CultureInfo.InvariantCulture, $"      slo: {{ ttft_s: {F(cell.Slo.TtftSeconds)}, tpot_s: {F(cell.Slo.TpotSeconds)} }}");
                t.AppendLine(CultureInfo.InvariantCulture, $"      prompt_tokens: {L(cell.Prompt)}");
                t.AppendLine(CultureInfo.InvariantCulture, $"      output_tokens: {L(cell.Output)}");
                if (!cell.ClientSendsMaxTokens)
                {
                    t.AppendLine("      max_tokens: omitted");
                }
            }

            t.AppendLine("      placements:");
            foreach ((string pool, ServingPoint placed, string? decodePool) in d.Placements)
            {
                ReplicaGroup g = placed.Replicas[0];
                string spec = g.Deployment.Speculative is { } speculative ? ", speculative: " + SpeculativeSection.Inline(speculative) : string.Empty;
                string shape = DeploymentSection.Inline(g.Deployment, g.Scheduler, withHardware: false);
                if (placed.Disaggregation is { } split && decodePool is not null)
                {
                    ReplicaGroup decode = placed.Replicas[1];
                    string decodeShape = DeploymentSection.Inline(decode.Deployment, decode.Scheduler, withHardware: false);
                    spec += string.Create(CultureInfo.InvariantCulture,
                        $", disaggregation: {{ prefill_replicas: {split.PrefillReplicas}, decode_replicas: {decode.Count}, decode_pool: {decodePool}, kv_link_gb_s: {F(split.KvLinkGBps)}, latency_us: {F(split.TransferLatencySeconds * 1e6)}{ServingSection.Conditions(split)}, decode: {decodeShape} }}");
                }

                t.AppendLine(CultureInfo.InvariantCulture, $"        {pool}: {shape[..^2]}{spec} }}   # {g.Deployment.CalibrationName}");
            }
        }

        return t.ToString();
    }

    /// <summary>
    /// Validates <paramref name="job"/> itself, then the size it shrinks to, then the size it grows to, saying the first
    /// problem at its line (the job's, <c>elastic_min</c>'s or <c>elastic_max</c>'s); false when one is refused.
    /// </summary>
    private static bool Accepted(YamlReader r, YamlMappingNode node, string path, ClusterTrainingJob job)
    {
        (ClusterTrainingJob Check, string? Field)[] stages =
        [
            (job with { ElasticMaxAccelerators = 0, ElasticMinAccelerators = 0 }, null),
            (job with { ElasticMaxAccelerators = 0 }, "elastic_min"),
            (job, "elastic_max"),
        ];
        foreach ((ClusterTrainingJob check, string? field) in stages)
        {
            try
            {
                check.Validated();
            }
            catch (ArgumentException e)
            {
                r.Problem(field is null ? node : YamlReader.Child(node, field), field is null ? path : $"{path}.{field}", e.Message);
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A placement's <c>disaggregation</c>: <c>prefill_replicas</c> of its own shape on its pool and <c>decode_replicas</c>
    /// of the <c>decode</c> shape on <c>decode_pool</c>, the KV cache crossing <c>kv_link_gb_s</c> (by default the
    /// accelerators' own links, as a serving experiment's disaggregation): the unit its cell measures and the autoscaler
    /// adds. Null where a problem was said.
    /// </summary>
    private static (IReadOnlyList<ReplicaGroup> Groups, Disaggregation Split, string DecodePool)? ReadSplit(
        YamlReader r, YamlMappingNode shape, string placementPath, ServingDeployment prefill, SchedulerOptions scheduler,
        Dictionary<string, AcceleratorPool> pools, SimCatalog catalog, SortedSet<string> calibrations)
    {
        string path = $"{placementPath}.disaggregation";
        YamlMappingNode? split = r.Mapping(YamlReader.Child(shape, "disaggregation"), path, "prefill_replicas", "decode_replicas", "decode_pool", "kv_link_gb_s", "latency_us", "max_local_prefill", "max_prefill_queue", "local_needs_cache_hit", "decode");
        if (split is null)
        {
            return null;
        }

        int prefillReplicas = r.Integer(split, "prefill_replicas", path, 1, 1, 1_000);
        int decodeReplicas = r.Integer(split, "decode_replicas", path, 1, 1, 1_000);
        if (PoolOf(r, split, path, pools, "decode_pool") is not { } pool
            || ServingSection.DecodeGroup(r, split, path, prefill, scheduler, decodeReplicas, catalog, calibrations, pool.Accelerator, (shape, placementPath)) is not { } decodeGroup)
        {
            return null;
        }

        ServingDeployment decode = decodeGroup.Deployment;
        if (!AcceleratorPool.HoldsReplica(pool.NodeSize, decode.Accelerators))
        {
            r.Problem(YamlReader.Child(split, "decode") ?? split, $"{path}.decode", $"a decode replica of {decode.Accelerators} accelerators neither fits a node of {pool.NodeSize} in pool {pool.Name} nor fills whole nodes");
        }

        double link = double.NaN;
        if (YamlReader.Child(split, "kv_link_gb_s") is null)
        {
            try
            {
                link = Disaggregation.DefaultLink(prefill, prefillReplicas, decode, decodeReplicas).GBps;
            }
            catch (ArgumentException e)
            {
                r.Problem(split, $"{path}.kv_link_gb_s", e.Message);
                return null;
            }
        }

        var disaggregation = ServingSection.WithConditions(r, split, path, new Disaggregation(
            prefillReplicas,
            r.Number(split, "kv_link_gb_s", path, link, 0, exclusiveMin: true),
            r.Number(split, "latency_us", path, 20, 0) / 1e6));
        return ([new ReplicaGroup(prefill, scheduler, prefillReplicas), decodeGroup], disaggregation, pool.Name);
    }

    private static bool HasEntries(YamlMappingNode cluster, string key) => YamlReader.Child(cluster, key) is YamlMappingNode { Children.Count: > 0 };

    /// <summary>The pool <paramref name="node"/>'s <paramref name="key"/> names (required); null, said, when there is none of that name.</summary>
    private static AcceleratorPool? PoolOf(YamlReader r, YamlMappingNode node, string path, Dictionary<string, AcceleratorPool> pools, string key = "pool")
    {
        string? name = r.Text(node, key, path, required: true);
        if (name is null)
        {
            return null;
        }

        if (!pools.TryGetValue(name, out AcceleratorPool? pool))
        {
            r.Problem(YamlReader.Child(node, key), $"{path}.{key}", $"no pool named '{name}'{ClosestName.Hint(name, pools.Keys)} (pools: {string.Join(", ", pools.Keys)})");
        }

        return pool;
    }
}
