using ClusterSim.Core.Catalog;
using ClusterSim.Core.Performance;
using YamlDotNet.RepresentationModel;

namespace ClusterSim.Experiments.Files;

/// <summary>Reads the <c>edge:</c> section: the on-device deployment, the user population, devices, network and hybrid routing.</summary>
internal static class EdgeSection
{
    private const string Path = "edge";

    /// <summary>The comparison, or null when the section is absent or has problems (reported to <paramref name="r"/>).</summary>
    public static EdgeSpec? Read(YamlReader r, YamlMappingNode root, ServingPoint? cloud, SimCatalog catalog, SortedSet<string> calibrations)
    {
        YamlMappingNode? node = r.Mapping(YamlReader.Child(root, Path), Path,
            "device", "device_quality", "cloud_quality", "users", "requests_per_user_per_day", "device_price_usd", "device_life_years", "device_share",
            "usd_per_kwh", "cloud_price_per_hour", "headroom", "cell_replicas", "offline_share", "network", "hybrid");
        if (node is null)
        {
            return null;
        }

        YamlMappingNode? deviceNode = r.Mapping(YamlReader.Child(node, "device"), $"{Path}.device", [.. DeploymentSection.Keys]);
        if (deviceNode is null)
        {
            r.Problem(node, $"{Path}.device", "is required: the on-device model, hardware and precisions");
        }

        (ServingDeployment? device, _) = DeploymentSection.Read(r, deviceNode, $"{Path}.device", catalog, calibrations);
        if (device is { Accelerator.TdpWatts: null })
        {
            r.Problem(YamlReader.Child(deviceNode, "hardware"), $"{Path}.device.hardware", $"{device.Accelerator.Id} has no power (tdp_w) in the catalog; the device's energy needs it");
        }

        foreach (string required in new[] { "device_quality", "cloud_quality", "users", "requests_per_user_per_day", "device_price_usd" })
        {
            if (YamlReader.Child(node, required) is null)
            {
                r.Problem(node, $"{Path}.{required}", "is required");
            }
        }

        var chip = cloud?.Replicas[0].Deployment.Accelerator;
        if (YamlReader.Child(node, "cloud_price_per_hour") is null && chip is { PricePerHour: null })
        {
            r.Problem(node, $"{Path}.cloud_price_per_hour", $"{chip.Id} has no price in the catalog; give cloud_price_per_hour");
        }

        YamlMappingNode? network = r.Mapping(YamlReader.Child(node, "network"), $"{Path}.network", "rtt_ms", "uplink_mbps");
        YamlMappingNode? hybrid = r.Mapping(YamlReader.Child(node, "hybrid"), $"{Path}.hybrid", "on_device_share", "on_device_quality");
        double deviceQuality = r.Number(node, "device_quality", Path, 0, 0, 1);
        var spec = new EdgeSpec
        {
            Device = device!,
            DeviceQuality = deviceQuality,
            CloudQuality = r.Number(node, "cloud_quality", Path, 0, 0, 1),
            Users = r.Number(node, "users", Path, 1, 1),
            RequestsPerUserPerDay = r.Number(node, "requests_per_user_per_day", Path, 1, 0, exclusiveMin: true),
            DevicePriceUsd = r.Number(node, "device_price_usd", Path, 0, 0),
            DeviceLifeYears = r.Number(node, "device_life_years", Path, 3, 0.1, 20),
            DeviceShare = r.Number(node, "device_share", Path, 1, 0, 1),
            UsdPerKwh = r.Number(node, "usd_per_kwh", Path, 0.15, 0),
            CloudPricePerHour = r.Number(node, "cloud_price_per_hour", Path, chip?.PricePerHour ?? 0, 0),
            Headroom = r.Number(node, "headroom", Path, 0.2, 0, 0.95),
            CellReplicas = r.Integer(node, "cell_replicas", Path, 2, 1, 64),
            OfflineShare = r.Number(node, "offline_share", Path, 0, 0, 1),
            RoundTripSeconds = r.Number(network, "rtt_ms", $"{Path}.network", 80, 0) / 1000,
            UplinkBitsPerSecond = r.Number(network, "uplink_mbps", $"{Path}.network", 10, 0, exclusiveMin: true) * 1e6,
            OnDeviceShare = r.Number(hybrid, "on_device_share", $"{Path}.hybrid", 0.5, 0, 1),
            OnDeviceQuality = YamlReader.Child(hybrid, "on_device_quality") is null ? null : r.Number(hybrid, "on_device_quality", $"{Path}.hybrid", deviceQuality, 0, 1),
        };
        return device is null ? null : spec;
    }

    /// <summary>The edge section as the resolved experiment writes it, every default explicit.</summary>
    public static string Resolved(EdgeSpec e)
    {
        string F(double v) => ResolvedSections.F(v);
        var t = new System.Text.StringBuilder();
        t.AppendLine("edge:");
        t.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  device: {DeploymentSection.Inline(e.Device, new Core.Inference.SchedulerOptions { MaxSequences = 1 })}   # {e.Device.CalibrationName}");
        foreach ((string key, double value) in new[]
        {
            ("device_quality", e.DeviceQuality), ("cloud_quality", e.CloudQuality), ("users", e.Users), ("requests_per_user_per_day", e.RequestsPerUserPerDay),
            ("device_price_usd", e.DevicePriceUsd), ("device_life_years", e.DeviceLifeYears), ("device_share", e.DeviceShare), ("usd_per_kwh", e.UsdPerKwh),
            ("cloud_price_per_hour", e.CloudPricePerHour), ("headroom", e.Headroom), ("offline_share", e.OfflineShare),
        })
        {
            t.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  {key}: {F(value)}");
        }

        t.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  cell_replicas: {e.CellReplicas}");
        t.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  network: {{ rtt_ms: {F(e.RoundTripSeconds * 1000)}, uplink_mbps: {F(e.UplinkBitsPerSecond / 1e6)} }}");
        t.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  hybrid: {{ on_device_share: {F(e.OnDeviceShare)}{(e.OnDeviceQuality is { } q ? $", on_device_quality: {F(q)}" : string.Empty)} }}");
        return t.ToString();
    }
}
