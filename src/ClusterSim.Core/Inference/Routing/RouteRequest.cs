using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Core.Inference.Routing;

/// <summary>What a router knows of the request it places: its prompt's identity and length.</summary>
public readonly record struct RouteRequest(PromptIdentity Prompt, int PromptTokens);
