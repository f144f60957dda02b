using MathNet.Numerics.Distributions;

namespace ClusterSim.Experiments.Results;

/// <summary>Means and confidence intervals over replications.</summary>
public static class Statistics
{
    /// <summary>Mean and 95 % half-width (Student t with n − 1 degrees of freedom) of the finite values.</summary>
    public static MetricSummary Summarise(string name, IEnumerable<double> values)
    {
        double[] x = values.Where(double.IsFinite).ToArray();
        if (x.Length == 0)
        {
            return new MetricSummary(name, double.NaN, double.NaN, 0);
        }

        double mean = x.Average();
        if (x.Length == 1)
        {
            return new MetricSummary(name, mean, 0, 1);
        }

        double sd = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1));
        return new MetricSummary(name, mean, StudentT.InvCDF(0, 1, x.Length - 1, 0.975) * sd / Math.Sqrt(x.Length), x.Length);
    }
}
