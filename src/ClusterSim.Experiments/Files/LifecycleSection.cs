using System.Globalization;
using ClusterSim.Core.Economics;
using YamlDotNet.RepresentationModel;

namespace ClusterSim.Experiments.Files;

/// <summary>Reads the <c>lifecycle:</c> section.</summary>
internal static class LifecycleSection
{
    /// <remarks>
    /// The serving hardware's catalog price is the default rent; without one (and without <c>price.per_hour</c> or
    /// <c>capex</c>) the section is refused, since a $0 fleet would win every comparison.
    /// </remarks>
    /// <param name="r">The experiment's reader.</param>
    /// <param name="root">The file's root mapping.</param>
    /// <param name="hardware">The serving accelerator (its catalog price is the default rent).</param>
    /// <param name="file">The experiment file (a demand trace's path is relative to it).</param>
    /// <param name="output">The served requests' output lengths (a trace may count requests).</param>
    /// <param name="warnings">Where the run's warnings go.</param>
    public static LifecycleSpec? Read(YamlReader r, YamlMappingNode root, ClusterSim.Core.Catalog.AcceleratorSpec? hardware, string file, LengthSpec output, SortedSet<string> warnings)
    {
        double? defaultPrice = hardware?.PricePerHour;
        const string path = "lifecycle";
        YamlMappingNode? node = r.Mapping(YamlReader.Child(root, path), path,
            "launch_date", "horizon_days", "demand", "headroom", "cold_start_s", "software_gain_per_year", "price", "capex", "energy", "cell_replicas");
        if (node is null)
        {
            return null;
        }

        double servingDays = r.Number(node, "horizon_days", path, 730, 1, 36_500);
        DemandCurve demand = DemandSection.Read(r, node, path, file, output, servingDays, warnings);
        YamlMappingNode? price = r.Mapping(YamlReader.Child(node, "price"), "lifecycle.price", "per_hour", "yearly_change", "floor");
        YamlMappingNode? capex = r.Mapping(YamlReader.Child(node, "capex"), "lifecycle.capex", "purchase_usd", "lifetime_years", "residual");
        YamlMappingNode? energy = r.Mapping(YamlReader.Child(node, "energy"), "lifecycle.energy", "usd_per_kwh", "pue", "idle_fraction");
        if (hardware is { PricePerHour: null } && YamlReader.Child(price, "per_hour") is null && capex is null)
        {
            r.Problem(price ?? (YamlNode)node, "lifecycle.price.per_hour", $"{hardware.Id} has no price in the catalog; give lifecycle.price.per_hour (USD per accelerator-hour) or lifecycle.capex");
        }

        DateOnly? launch = null;
        string? dateText = r.Text(node, "launch_date", path);
        if (dateText is not null)
        {
            if (DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
            {
                launch = date;
            }
            else
            {
                r.Problem(YamlReader.Child(node, "launch_date"), "lifecycle.launch_date", $"expected a date as yyyy-mm-dd, got '{dateText}'");
            }
        }

        return new LifecycleSpec
        {
            Demand = demand,
            ServingDays = servingDays,
            Headroom = r.Number(node, "headroom", path, 0.2, 0, 0.95),
            ColdStartSeconds = r.Number(node, "cold_start_s", path, 600, 0),
            SoftwareGainPerYear = r.Number(node, "software_gain_per_year", path, 0, -0.99, 100),
            CellReplicas = r.Integer(node, "cell_replicas", path, 2, 1, 64),
            LaunchDate = launch,
            Cost = new CostModel
            {
                Rental = new PriceCurve(
                    r.Number(price, "per_hour", "lifecycle.price", defaultPrice ?? 0, 0),
                    r.Number(price, "yearly_change", "lifecycle.price", 0, -0.99, 10),
                    r.Number(price, "floor", "lifecycle.price", 0, 0)),
                Capex = capex is null ? null : new CapexModel(
                    r.Number(capex, "purchase_usd", "lifecycle.capex", 25_000, 0),
                    r.Number(capex, "lifetime_years", "lifecycle.capex", 4, 0, exclusiveMin: true),
                    r.Number(capex, "residual", "lifecycle.capex", 0, 0, 0.99)),
                Energy = new EnergyModel(
                    r.Number(energy, "usd_per_kwh", "lifecycle.energy", 0.08, 0),
                    r.Number(energy, "pue", "lifecycle.energy", 1.2, 1, 3),
                    r.Number(energy, "idle_fraction", "lifecycle.energy", 0.3, 0, 1)),
            },
        };
    }
}
