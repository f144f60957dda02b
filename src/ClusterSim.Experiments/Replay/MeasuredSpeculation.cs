using ClusterSim.Core.Performance;

namespace ClusterSim.Experiments.Replay;

/// <summary>
/// How a measured run's server speculated (the measured-runs columns <c>speculative_method</c>, <c>speculative_tokens</c>,
/// <c>speculative_acceptance</c> and, for a draft model, <c>speculative_draft_model</c>): the drafting method, the tokens
/// drafted a step (vLLM's <c>num_speculative_tokens</c>) and the chance a drafted token is accepted, which depends on the
/// drafter, the model and the data and so is the run's own (measured, or fitted on one of its stages).
/// </summary>
public sealed record MeasuredSpeculation(SpeculativeMethod Method, int Tokens, double Acceptance, string DraftModel);
