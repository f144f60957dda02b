using ClusterSim.Core.Cluster;
using ClusterSim.Core.Inference;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Studies;

namespace ClusterSim.Experiments.Tests.Studies;

/// <summary>The cluster's capacity-level serving against request-by-request serving of the same fleet, where both apply.</summary>
public class ClusterStudyTests
{
    private const string Flat = """
        name: flat
        cluster:
          days: 1
          pools:
            gpus: { hardware: H100-SXM, count: 64 }
          deployments:
            chat:
              model: llama-3.1-8b
              demand: { output_tokens_per_day: 4e9, monthly_growth: 0, diurnal_amplitude: 0 }
              headroom: 0.2
              cold_start_s: 0
              slo: { ttft_s: 1.0, tpot_s: 0.05 }
              prompt_tokens: { kind: lognormal, mean: 1024, median: 512, max: 8192 }
              output_tokens: { kind: fixed, mean: 256 }
              cell_requests: 2000
              placements:
                gpus: { weights: fp8, kv_cache: fp8 }
        """;

    [Fact]
    public void The_fleet_a_cluster_sizes_for_a_flat_demand_meets_the_slo_request_by_request_within_a_replica_of_the_smallest_that_does()
    {
        ExperimentPoint point = ExperimentLoader.Parse(Flat, "flat.yaml").Points[0];
        var cluster = (ClusterResult)point.Study.Run(point, double.NaN, seed: 5, share: null);
        int replicas = (int)Math.Round(cluster.Deployment("chat").MeanReplicas);
        Assert.InRange(replicas, 2, 40);

        // The same demand as Poisson requests of 256 output tokens, served by that fleet request by request.
        ServingPoint cell = point.Cluster!.Deployments[0].Placements[0].Cell;
        double rate = 4e9 / 86_400 / 256;
        double Attainment(int count) => new ServingCluster(ServingStudy.Scenario(
            cell with { Replicas = [cell.Replicas[0] with { Count = count }], Arrival = cell.Arrival with { Load = null }, Requests = 6000 },
            rate,
            seed: 5)).Run().Metrics is var m ? m.MeetingSlo / (double)m.Completed : double.NaN;

        Assert.True(Attainment(replicas) >= 0.95, $"{replicas} replicas at {rate:F1} req/s: {Attainment(replicas):P1} within the SLO");

        // The smallest fleet that holds the SLO request by request, against the capacity model's fleet without headroom:
        // a two-replica cell's capacity is conservative for a larger fleet (it pools bursts better), but by at most 25 %.
        double perReplica = cluster.Options.Deployments[0].Placements[0].ReplicaTokensPerSecond;
        int capacityFleet = (int)Math.Ceiling(4e9 / 86_400 / perReplica);
        int smallest = Enumerable.Range(1, replicas).First(n => Attainment(n) >= 0.95);
        Assert.InRange(smallest, (int)Math.Floor(0.75 * capacityFleet), capacityFleet);
        Assert.True(Attainment(smallest - 1) < 0.9, $"{smallest - 1} replicas: {Attainment(smallest - 1):P1}");
    }

    [Fact]
    public void Served_request_by_request_on_the_clusters_clock_a_diurnal_fleet_holds_the_slo_the_capacity_model_promised()
    {
        // Eighteen hours of a demand swinging through its 14:00 peak, beside a 32-accelerator training job on a pool of 33
        // that serving preempts when its second replica is due; at both fidelities.
        string yaml = Flat
            .Replace("days: 1", "days: 0.75\n  interval_s: 300", StringComparison.Ordinal)
            .Replace("count: 64", "count: 33", StringComparison.Ordinal)
            .Replace("output_tokens_per_day: 4e9, monthly_growth: 0, diurnal_amplitude: 0", "output_tokens_per_day: 5e8, monthly_growth: 0, diurnal_amplitude: 0.6", StringComparison.Ordinal)
            .Replace("  deployments:", """
              training:
                tune:
                  pool: gpus
                  model: llama-3.1-8b
                  tokens: 5e10
                  global_batch_tokens: 4194304
                  sequence_length: 8192
                  parallelism: { tensor: 8, data: 4 }
                  failures: { enabled: false }
                  checkpoints: { interval_s: 1800 }
              deployments:
            """, StringComparison.Ordinal)
            .Replace("      cell_requests: 2000", "      cell_requests: 2000\n      fidelity: requests", StringComparison.Ordinal);
        ExperimentPoint requests = ExperimentLoader.Parse(yaml, "diurnal.yaml").Points[0];
        ExperimentPoint capacity = ExperimentLoader.Parse(yaml.Replace("fidelity: requests", "fidelity: capacity", StringComparison.Ordinal), "diurnal.yaml").Points[0];
        var byRequest = (ClusterResult)requests.Study.Run(requests, double.NaN, seed: 5, share: null);
        var byCapacity = (ClusterResult)capacity.Study.Run(capacity, double.NaN, seed: 5, share: null);

        RequestCounts counts = byRequest.Deployment("chat").Requests!;
        Assert.True(counts.Completed > 20_000, $"{counts.Completed} requests");
        Assert.True(counts.Conserved, $"{counts}");
        Assert.True(byRequest.Conserved, $"hours {byRequest.TrainingHours} + {byRequest.ServingHours} + {byRequest.IdleHours.Sum()} vs {byRequest.CapacityHours}, overbooked {byRequest.Overbooked}");
        Assert.Null(byCapacity.Deployment("chat").Requests);
        Assert.InRange(byRequest.Deployment("chat").SloAttainment, 0.95, 1);
        Assert.InRange(byRequest.Deployment("chat").SloAttainment, byCapacity.Deployment("chat").SloAttainment - 0.05, 1);
        // The autoscaler sizes both from the same measured capacity; draining replicas hold theirs a little longer.
        Assert.InRange(byRequest.Deployment("chat").AcceleratorHours, byCapacity.Deployment("chat").AcceleratorHours, byCapacity.Deployment("chat").AcceleratorHours * 1.05);
        Assert.True(byRequest.Job("tune").Preemptions > 0, $"{byRequest.Job("tune")}");
    }

    [Fact]
    public void A_request_level_deployment_counts_the_requests_longer_than_its_servers_context_by_name()
    {
        // Two hours of the flat demand request by request, its placement's server started with a 2,048-token limit: the
        // log-normal prompts (median 512, up to 8,192) with 256-token answers pass it now and then, and exactly those are
        // refused, among the dropped requests and under the deployment's own key.
        string yaml = Flat
            .Replace("days: 1", "days: 0.0833\n  interval_s: 300", StringComparison.Ordinal)
            .Replace("output_tokens_per_day: 4e9", "output_tokens_per_day: 5e8", StringComparison.Ordinal)
            .Replace("      cell_requests: 2000", "      cell_requests: 2000\n      fidelity: requests", StringComparison.Ordinal)
            .Replace("gpus: { weights: fp8, kv_cache: fp8 }", "gpus: { weights: fp8, kv_cache: fp8, max_model_len: 2048 }", StringComparison.Ordinal);
        Experiment experiment = ExperimentLoader.Parse(yaml, "limited.yaml");
        Assert.Contains(experiment.Calibrations, c => c.EndsWith("in deployment.chat.requests_over_context when it is served request by request (among its dropped requests)", StringComparison.Ordinal));
        ExperimentPoint point = experiment.Points[0];
        var result = (ClusterResult)point.Study.Run(point, double.NaN, seed: 5, share: null);

        RequestCounts counts = result.Deployment("chat").Requests!;
        Assert.True(counts.Conserved, $"{counts}");
        Assert.InRange(counts.OverContext, 1, counts.Dropped);
        double share = ContextCheck.OverShare(point.Cluster!.Deployments[0].Placements[0].Cell.Prompt, new LengthSpec("fixed", 256, 0, 1, 1, 1_000_000), 2048);
        double refused = counts.OverContext / (double)counts.Arrived;
        Assert.InRange(refused, share - (5 * Math.Sqrt(share * (1 - share) / counts.Arrived)), share + (5 * Math.Sqrt(share * (1 - share) / counts.Arrived)));
        var scalars = result.Scalars().ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);
        Assert.Equal(counts.OverContext, scalars["deployment.chat.requests_over_context"]);
    }

    [Fact]
    public void A_request_level_deployment_whose_clients_send_no_max_tokens_has_answers_cut_at_the_context_by_name()
    {
        // The same two hours with chat clients that leave max_tokens out: prompts shorter than 2,048 tokens whose answers
        // would pass it are served cut, and only the prompts of 2,048 tokens or more are refused.
        string yaml = Flat
            .Replace("days: 1", "days: 0.0833\n  interval_s: 300", StringComparison.Ordinal)
            .Replace("output_tokens_per_day: 4e9", "output_tokens_per_day: 5e8", StringComparison.Ordinal)
            .Replace("      cell_requests: 2000", "      cell_requests: 2000\n      fidelity: requests\n      max_tokens: omitted", StringComparison.Ordinal)
            .Replace("gpus: { weights: fp8, kv_cache: fp8 }", "gpus: { weights: fp8, kv_cache: fp8, max_model_len: 2048 }", StringComparison.Ordinal);
        Experiment experiment = ExperimentLoader.Parse(yaml, "capped.yaml");
        Assert.Contains(experiment.Calibrations, c => c.Contains("so the server cuts those answers at the context (counted in deployment.chat.requests_cut_at_context when it is served request by request)", StringComparison.Ordinal));
        Assert.Contains("      max_tokens: omitted\n", experiment.ResolvedText, StringComparison.Ordinal);
        ExperimentPoint point = experiment.Points[0];
        var result = (ClusterResult)point.Study.Run(point, double.NaN, seed: 5, share: null);

        RequestCounts counts = result.Deployment("chat").Requests!;
        Assert.True(counts.Conserved, $"{counts}");
        Assert.True(counts.CutAtContext > 0 && counts.OverContext > 0, $"{counts}");
        var scalars = result.Scalars().ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);
        Assert.Equal(counts.CutAtContext!.Value, scalars["deployment.chat.requests_cut_at_context"]);

        // Clients that send it: no such key.
        ExperimentPoint sent = ExperimentLoader.Parse(yaml.Replace("      max_tokens: omitted\n", string.Empty, StringComparison.Ordinal), "sent.yaml").Points[0];
        var refused = (ClusterResult)sent.Study.Run(sent, double.NaN, seed: 5, share: null);
        Assert.Null(refused.Deployment("chat").Requests!.CutAtContext);
        Assert.DoesNotContain(refused.Scalars(), s => s.Name == "deployment.chat.requests_cut_at_context");
        Assert.True(refused.Deployment("chat").Requests!.OverContext > counts.OverContext, "cutting answers refuses fewer requests");
    }

    [Fact]
    public void While_the_first_replicas_load_request_level_rows_read_none_served_as_capacity_level_rows_do()
    {
        // A 15-minute cold start from launch at time 0, rows every 5 minutes: requests wait at the front end past the
        // 1 s first-token SLO and nothing finishes. Such a row read 100 % at the request level (no request finished, so
        // "none missed") where the capacity level reads 0 % (no demand served).
        string yaml = Flat
            .Replace("days: 1", "days: 0.03\n  interval_s: 300", StringComparison.Ordinal)
            .Replace("output_tokens_per_day: 4e9", "output_tokens_per_day: 5e8", StringComparison.Ordinal)
            .Replace("cold_start_s: 0", "cold_start_s: 900", StringComparison.Ordinal);
        double[] Slo(string file)
        {
            ExperimentPoint point = ExperimentLoader.Parse(file, "cold.yaml").Points[0];
            return [.. ((ClusterResult)point.Study.Run(point, double.NaN, seed: 5, share: null)).Series.Column("slo.chat").Values];
        }

        double[] capacity = Slo(yaml);
        double[] requests = Slo(yaml.Replace("      cell_requests: 2000", "      cell_requests: 2000\n      fidelity: requests", StringComparison.Ordinal));
        Assert.Equal([0.0, 0.0], capacity[1..3]);
        Assert.Equal([0.0, 0.0], requests[1..3]);   // at 5 and 10 minutes
        // Request by request the 15 minutes' backlog then drains late (rows of 0 while it finishes), and the last row, 40
        // minutes in, has requests within the SLO again; the capacity level, which has no queue, is back at 100 % at once.
        Assert.Equal(1.0, capacity[^1]);
        Assert.True(requests[^1] > 0, $"the last row {requests[^1]:P1}");
    }
}
