using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Calibration;

/// <summary>The result of a fit: the factors, the objective (mean squared log error per scored metric) and the work done.</summary>
public sealed record CalibrationFit(EfficiencyFactors Factors, double Objective, int Evaluations, IReadOnlyList<FitParameter> Parameters);
