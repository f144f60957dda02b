using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Files;

/// <summary>
/// An assistant served on its users' own devices (one user each, no batching across users) against the cloud fleet
/// of the experiment's <c>serving</c> section, and a hybrid that keeps the easy share on the device.
/// </summary>
public sealed record EdgeSpec
{
    /// <summary>The on-device deployment (a quantised small model on a phone, laptop or module).</summary>
    public required ServingDeployment Device { get; init; }
    public required double DeviceQuality { get; init; }
    public required double CloudQuality { get; init; }
    public required double Users { get; init; }
    public required double RequestsPerUserPerDay { get; init; }

    /// <summary>Purchase price of one device, USD, of which <see cref="DeviceShare"/> is charged to the assistant.</summary>
    public required double DevicePriceUsd { get; init; }
    public double DeviceLifeYears { get; init; } = 3;
    public double DeviceShare { get; init; } = 1;
    public double UsdPerKwh { get; init; } = 0.15;

    /// <summary>USD per accelerator-hour of the cloud deployment.</summary>
    public required double CloudPricePerHour { get; init; }
    public double Headroom { get; init; } = 0.2;
    public int CellReplicas { get; init; } = 2;

    /// <summary>Share of requests issued while the device has no network: the cloud cannot answer them.</summary>
    public double OfflineShare { get; init; }
    public double RoundTripSeconds { get; init; } = 0.08;
    public double UplinkBitsPerSecond { get; init; } = 10e6;

    /// <summary>In the hybrid, the share of requests (the easiest) answered on the device; the rest go to the cloud.</summary>
    public double OnDeviceShare { get; init; } = 0.5;

    /// <summary>The device model's accuracy on the share it keeps in the hybrid (its overall quality when not measured).</summary>
    public double? OnDeviceQuality { get; init; }
}
