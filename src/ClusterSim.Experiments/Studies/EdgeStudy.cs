using System.Globalization;
using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Metrics;
using ClusterSim.Core.Performance;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;
using ClusterSim.Experiments.Running;

namespace ClusterSim.Experiments.Studies;

/// <summary>
/// An assistant on its users' devices against the cloud. The cloud fleet's capacity and latency come from a simulated
/// cell at the SLO, plus the network round trip and the prompt's upload; a device serves its one user alone, so its
/// time to first token is the prefill of the prompt and its streaming rate one decode step per token (no queue, no
/// batching). Cost per user and month: the cloud's tokens at its cost per token; the device's share of its price over
/// its life plus the energy of its busy time. Requests asked offline are lost in the cloud and answered on the device.
/// </summary>
public sealed class EdgeStudy : Study
{
    public static readonly EdgeStudy Instance = new();

    /// <summary>Requests sampled to draw each mode's latency distribution.</summary>
    private const int Samples = 4000;
    private const double DaysPerMonth = 365.25 / 12;
    private const double BytesPerPromptToken = 4;

    private EdgeStudy()
    {
    }

    /// <inheritdoc/>
    public override StudyKind Kind => StudyKind.Edge;

    /// <inheritdoc/>
    public override ISimulationResult Run(ExperimentPoint point, double rate, long seed, IProgress<double>? share) => Compare(point, seed);

    /// <summary>Cloud, edge and hybrid for <paramref name="point"/>.</summary>
    public static EdgeResult Compare(ExperimentPoint point, long seed)
    {
        EdgeSpec edge = point.Edge ?? throw new ArgumentException("the point has no edge section");
        ServingPoint cloud = point.Serving!;
        (double replicaTokens, _, ServingResult cell) = CellCapacity.MeasureRun(cloud, edge.CellReplicas, seed);
        ServingDeployment cloudShape = cloud.Replicas[0].Deployment;
        double cloudUsdPerToken = CellCapacity.UsdPerToken(edge.CloudPricePerHour, cloudShape.Accelerators, replicaTokens, edge.Headroom);

        TokenLengths prompts = cloud.Prompt.Build(), outputs = cloud.Output.Build();
        double requestsPerMonth = edge.RequestsPerUserPerDay * DaysPerMonth;
        var device = new StepTimeModel(edge.Device);
        RandomStream random = new RandomStreams(seed).For("edge.requests");
        var cloudTtft = new QuantileSketch();
        var deviceTtft = new QuantileSketch();
        var hybridTtft = new QuantileSketch();
        var deviceRate = new QuantileSketch();
        double deviceBusySeconds = 0, outputTokens = 0;
        for (int i = 0; i < Samples; i++)
        {
            int prompt = prompts.Sample(random), output = outputs.Sample(random);
            double upload = prompt * BytesPerPromptToken * 8 / edge.UplinkBitsPerSecond;
            double fromCloud = cell.Metrics.Ttft.Quantile(random.NextDouble()) + edge.RoundTripSeconds + upload;
            double prefill = device.Iteration(new BatchShape(prompt, BatchShape.PrefillAttention(prompt, 0), 0, 1)).Nanos / 1e9;
            double tpot = device.DecodeNanos(1, prompt + (output / 2.0)) / 1e9;
            cloudTtft.Add(fromCloud);
            deviceTtft.Add(prefill);
            deviceRate.Add(1 / tpot);

            // The hybrid keeps the easiest share on the device, and answers there too what it would escalate while offline;
            // which requests are easy, or asked offline, is independent of their length (one draw decides both).
            hybridTtft.Add(random.NextDouble() < OnDevice(edge) ? prefill : fromCloud);
            deviceBusySeconds += prefill + ((output - 1) * tpot);
            outputTokens += output;
        }

        double tokensPerRequest = outputTokens / Samples;
        double busyPerRequest = deviceBusySeconds / Samples;
        double cloudPerUser = requestsPerMonth * tokensPerRequest * cloudUsdPerToken * (1 - edge.OfflineShare);
        double devicePerUser = edge.DevicePriceUsd * edge.DeviceShare / (edge.DeviceLifeYears * 12);
        double energyPerRequest = busyPerRequest * edge.Device.Accelerator.TdpWatts!.Value / 3.6e6 * edge.UsdPerKwh;
        double s = edge.OnDeviceShare;
        double offline = edge.OfflineShare;
        double cloudStreaming = 1 / cell.Metrics.Tpot.Quantile(0.5);
        double hybridQuality = (s * (edge.OnDeviceQuality ?? edge.DeviceQuality)) + ((1 - s) * edge.CloudQuality);

        EdgeModeOutcome[] modes =
        [
            new()
            {
                Mode = "cloud", TtftP50Seconds = cloudTtft.Quantile(0.5), TtftP95Seconds = cloudTtft.Quantile(0.95), TokensPerSecond = cloudStreaming,
                UsdPerUserMonth = cloudPerUser, LostShare = offline, Quality = edge.CloudQuality * (1 - offline),
            },
            new()
            {
                Mode = "edge", TtftP50Seconds = deviceTtft.Quantile(0.5), TtftP95Seconds = deviceTtft.Quantile(0.95), TokensPerSecond = deviceRate.Quantile(0.5),
                UsdPerUserMonth = devicePerUser + (requestsPerMonth * energyPerRequest), LostShare = 0, Quality = edge.DeviceQuality,
            },
            new()
            {
                // Offline, the hybrid answers its escalations on the device at the device's quality.
                Mode = "hybrid", TtftP50Seconds = hybridTtft.Quantile(0.5), TtftP95Seconds = hybridTtft.Quantile(0.95),
                TokensPerSecond = (OnDevice(edge) * deviceRate.Quantile(0.5)) + ((1 - OnDevice(edge)) * cloudStreaming),
                UsdPerUserMonth = devicePerUser + (requestsPerMonth * (OnDevice(edge) * energyPerRequest)) + ((1 - s) * cloudPerUser),
                LostShare = 0,
                Quality = ((1 - offline) * hybridQuality) + (offline * ((s * (edge.OnDeviceQuality ?? edge.DeviceQuality)) + ((1 - s) * edge.DeviceQuality))),
            },
        ];

        double fleetTokensPerSecond = edge.Users * requestsPerMonth / DaysPerMonth * tokensPerRequest / 86_400;
        double fleet = Math.Ceiling(fleetTokensPerSecond / (replicaTokens * (1 - edge.Headroom))) * cloudShape.Accelerators;
        return new EdgeResult(modes, fleet);
    }

    /// <summary>The share of requests the hybrid answers on the device: the easy ones, and the rest when asked offline.</summary>
    private static double OnDevice(EdgeSpec edge) => edge.OnDeviceShare + ((1 - edge.OnDeviceShare) * edge.OfflineShare);

    private static readonly string[] ModeNames = ["cloud", "edge", "hybrid"];

    /// <inheritdoc/>
    public override IReadOnlyList<MetricColumn> SummaryColumns(IReadOnlyList<PointResult> results) =>
    [
        .. ModeNames.SelectMany(m => new MetricColumn[]
        {
            new($"mode.{m}.ttft_p95_s", $"{m} TTFT p95 s", 1, "0.00"),
            new($"mode.{m}.tokens_per_s", $"{m} tok/s", 1, "0.0"),
            new($"mode.{m}.usd_per_user_month", $"{m} $/user/mo", 1, "0.000"),
            new($"mode.{m}.lost_share", $"{m} lost", 100, "0.0'%'"),
            new($"mode.{m}.quality", $"{m} quality", 1, "0.000"),
        }),
    ];

    /// <inheritdoc/>
    public override IEnumerable<string> Findings(IReadOnlyList<PointResult> results)
    {
        foreach (PointResult r in results)
        {
            string where = r.Point.Parameters.Count == 0 ? string.Empty : $" ({r.Point.Label})";
            foreach (string m in ModeNames)
            {
                // Answers of one token have no gap between tokens, so the cloud (and a hybrid using it) streams at no rate.
                double rate = r.Metric($"mode.{m}.tokens_per_s").Mean;
                string streaming = double.IsFinite(rate) ? string.Create(CultureInfo.InvariantCulture, $"{rate:0} tokens/s") : "no streaming rate (no answer has a second token)";
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"{m}: first token in {r.Metric($"mode.{m}.ttft_p50_s").Mean:0.00} s (p95 {r.Metric($"mode.{m}.ttft_p95_s").Mean:0.00} s), {streaming}, ${r.Metric($"mode.{m}.usd_per_user_month").Mean:0.000} per user per month, {r.Metric($"mode.{m}.lost_share").Mean:P1} of answers lost offline, quality {r.Metric($"mode.{m}.quality").Mean:0.000}{where}");
            }
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> SweepMetrics(IReadOnlyList<PointResult> results) =>
        [.. ModeNames.Select(m => $"mode.{m}.usd_per_user_month"), .. ModeNames.Select(m => $"mode.{m}.ttft_p95_s")];
}
