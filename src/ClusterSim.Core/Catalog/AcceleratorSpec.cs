namespace ClusterSim.Core.Catalog;

/// <summary>One accelerator model: dense peaks, memory, links, power and price, with the source of the figures.</summary>
public sealed record AcceleratorSpec
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Vendor { get; init; }
    public int Year { get; init; }
    public required string Kind { get; init; }

    /// <summary>An on-device chip (phone, laptop, Jetson): it runs an on-device runtime (MLC, llama.cpp), not a serving engine.</summary>
    public bool IsEdge => Kind == "edge";

    /// <summary>Dense BF16 matrix peak, TFLOP/s.</summary>
    public double Bf16Tflops { get; init; }

    /// <summary>Dense FP8 peak, TFLOP/s; null when the chip has no FP8.</summary>
    public double? Fp8Tflops { get; init; }

    /// <summary>Dense INT8 peak, TOP/s.</summary>
    public double? Int8Tops { get; init; }

    /// <summary>Dense FP4 peak, TFLOP/s.</summary>
    public double? Fp4Tflops { get; init; }

    /// <summary>
    /// Streaming multiprocessors × boost clock, GHz (<c>sm_ghz</c>): the clock work bound by the SMs' own passes rather than
    /// by tensor cores or memory runs at (the sampler's ranking); null where the catalog has no figure.
    /// </summary>
    public double? SmGhz { get; init; }

    /// <summary>
    /// Streaming multiprocessors (compute units) on the chip (<c>sms</c>): how many thread blocks run at once, which bounds a
    /// decode-attention kernel that gives each sequence's KV head one block (<see cref="Performance.DecodeAttentionBlocks"/>);
    /// null where the catalog has no figure.
    /// </summary>
    public int? Sms { get; init; }

    /// <summary>One SM's sustained clock, GHz (<see cref="SustainedSmGhz"/> / <see cref="Sms"/>); null without both figures.</summary>
    public double? SustainedSmClockGhz => Sms is > 0 and int sms ? SustainedSmGhz / sms : null;

    /// <summary>Device memory as marketed, GB.</summary>
    public double MemoryGB { get; init; }

    /// <summary>
    /// Device memory the runtime sees, GiB (2^30 bytes): what nvidia-smi or rocm-smi reports, which is what a serving
    /// engine's memory fraction applies to. An "80 GB" H100 exposes 79.65 GiB, an "80 GB" A100 80 GiB, an L40S 45 GiB.
    /// </summary>
    public double MemoryGiB { get; init; }

    /// <summary>The serving calibration this accelerator uses (a key of the calibration catalog); empty when uncalibrated.</summary>
    public string Calibration { get; init; } = string.Empty;

    /// <summary>The calibration id rows for this accelerator are looked up (and fitted) under: its named one, else its own id.</summary>
    public string CalibrationId => Calibration.Length > 0 ? Calibration : Id;

    /// <summary>Other names for this accelerator (MLPerf system names, short forms such as "H100").</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Device memory bandwidth, TB/s.</summary>
    public double MemoryTBps { get; init; }

    /// <summary>Scale-up (NVLink-class) bandwidth per accelerator, GB/s one way; null when there is none.</summary>
    public double? ScaleUpGBps { get; init; }

    /// <summary>Accelerators that share the scale-up link (8 on an HGX board, 72 in an NVL72 rack, a TPU pod); null when unknown.</summary>
    public int? ScaleUpDomain { get; init; }

    /// <summary>Scale-out (network) bandwidth per accelerator, GB/s.</summary>
    public double? ScaleOutGBps { get; init; }

    /// <summary>Link to host memory (PCIe, or NVLink-C2C) per accelerator, GB/s one way; null when unknown.</summary>
    public double? HostLinkGBps { get; init; }

    /// <summary>
    /// True when the scale-up link is a fabric of its own (NVLink, Infinity Fabric, ICI), faster than the host's link;
    /// false for cards whose only path to a peer is the PCIe they reach the host by (L4, L40S, A10, T4: the catalog gives
    /// them the same figure for both), and for a chip with no scale-up link.
    /// </summary>
    public bool HasScaleUpFabric => ScaleUpGBps is > 0 and double up && (HostLinkGBps is not double host || up > host);

    /// <summary>Board power, W.</summary>
    public double? TdpWatts { get; init; }

    /// <summary>
    /// The share of its datasheet figures (tensor peaks, memory bandwidth, SM clock) the card sustains while it serves or
    /// trains, below 1 only where measured runs show it short of them: a card held under a power limit below what its
    /// boost clocks draw (the H100 NVL at 400 W, the same die the SXM module runs at 700 W). Every timing uses the
    /// sustained figures (<see cref="PeakFlops"/>, <see cref="MemoryBytesPerSecond"/>, <see cref="SustainedSmGhz"/>); the
    /// catalog lists the datasheet's.
    /// </summary>
    public double SustainedShare { get; init; } = 1;

    /// <summary>Default rental price, USD per accelerator-hour.</summary>
    public double? PricePerHour { get; init; }
    public double? PriceLow { get; init; }
    public double? PriceHigh { get; init; }
    public required string Source { get; init; }

    /// <summary>
    /// Dense peak in FLOP/s for arithmetic in <paramref name="precision"/> as the card sustains it (× <see cref="SustainedShare"/>);
    /// throws when the chip lacks that format.
    /// </summary>
    public double PeakFlops(Precision precision)
    {
        double? tflops = precision switch
        {
            Precision.BF16 => Bf16Tflops,
            Precision.FP8 => Fp8Tflops,
            Precision.INT8 => Int8Tops,
            Precision.INT4 => Fp4Tflops ?? Int8Tops ?? Fp8Tflops,
            _ => null,
        };

        if (tflops is not > 0)
        {
            throw new ArgumentException($"accelerator '{Id}' has no {precision} peak in the catalog; choose another precision");
        }

        return tflops.Value * 1e12 * SustainedShare;
    }

    /// <summary>SMs × the clock the card sustains, GHz (<see cref="SmGhz"/> × <see cref="SustainedShare"/>); null where the catalog has no figure.</summary>
    public double? SustainedSmGhz => SmGhz * SustainedShare;

    /// <summary>Memory in bytes.</summary>
    public double MemoryBytes => MemoryGiB * 1073741824.0;

    /// <summary>Memory bandwidth the card sustains, bytes per second (the datasheet's <see cref="MemoryTBps"/> × <see cref="SustainedShare"/>).</summary>
    public double MemoryBytesPerSecond => MemoryTBps * 1e12 * SustainedShare;
}
