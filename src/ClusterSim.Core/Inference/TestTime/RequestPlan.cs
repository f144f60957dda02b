namespace ClusterSim.Core.Inference.TestTime;

/// <summary>What one logical request becomes: how many samples, how many thinking tokens each, and its chance of a correct answer.</summary>
public readonly record struct RequestPlan(int Samples, int ThinkingTokens, double Difficulty, double SuccessProbability);
