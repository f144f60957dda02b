using System.Diagnostics.CodeAnalysis;
using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Replay;

namespace ClusterSim.Cli;

/// <summary>Reads a measured-runs file and an optional calibration file, printing a located error instead of throwing.</summary>
internal static class CatalogFiles
{
    public static bool TryRead(string measured, string? calibration, [NotNullWhen(true)] out IReadOnlyList<MeasuredRun>? runs, [NotNullWhen(true)] out SimCatalog? catalog)
    {
        runs = null;
        catalog = null;
        try
        {
            runs = MeasuredRunFile.Read(measured);
            catalog = SimCatalog.Default;
            if (calibration is not null)
            {
                using var text = new StreamReader(calibration);
                catalog = catalog with { Calibrations = catalog.Calibrations.With(CsvTable.Parse(text, Path.GetFileName(calibration))) };
            }

            return true;
        }
        catch (CatalogException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"error: cannot read {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            Console.Error.WriteLine($"error: cannot read {e.Message}");
        }

        return false;
    }
}
