using ClusterSim.Core.Catalog;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Inference.Workload;
using ClusterSim.Core.Performance;

namespace ClusterSim.Core.Tests.Performance;

/// <summary>Runs the published benchmark set-ups through the whole simulator.</summary>
internal static class ServingProbe
{
    /// <summary>A TensorRT-LLM deployment: the published rows ran TensorRT-LLM (or NIM, built on it), so they use its calibration.</summary>
    public static ServingDeployment Deployment(string model, string hw, int tp, Precision precision = Precision.FP8)
    {
        Assert.True(SimCatalog.Default.Calibrations.TryGet("hopper-trtllm", precision, out ServingCalibration calibration));
        return new()
        {
            Model = SimCatalog.Default.Models.Get(model),
            Accelerator = SimCatalog.Default.Hardware.Get(hw),
            TensorParallel = tp,
            Weights = precision,
            KvCache = precision,
            Efficiency = calibration.Factors,
            CalibrationName = calibration.Name,
        };
    }

    /// <summary>A deployment with the catalog's calibration for its accelerator, precision and engine, and no HTTP front end (offline benchmarks).</summary>
    public static ServingDeployment Catalogued(string model, string hw, int tp, Precision weights, ServingEngine engine)
    {
        ServingDeployment d = SimCatalog.Default.Deployment(model, hw, tp, weights, Precision.FP8, engine);
        return d with { Efficiency = d.Efficiency with { RequestOverheadSeconds = 0 } };
    }

    /// <summary>TensorRT-LLM's scheduler: chunked prefill, KV reserved for each whole sequence at admission (its default GUARANTEED_NO_EVICT).</summary>
    public static SchedulerOptions TrtLlm(int maxSequences, int maxTokens = 8192) =>
        new() { Kind = SchedulerKind.ChunkedPrefill, MaxSequences = maxSequences, MaxBatchedTokens = maxTokens, KvAdmission = KvAdmissionPolicy.Reserve };

    /// <summary>Offline: every request queued at once, as trtllm-bench and MLPerf Offline do.</summary>
    public static ServingResult Offline(ServingDeployment deployment, int replicas, int input, int output, int requests, int maxSequences = 2048, int maxTokens = 8192) =>
        new ServingCluster(new ServingScenario
        {
            Replicas = [new ReplicaGroup(deployment, TrtLlm(maxSequences, maxTokens), replicas)],
            Workload = s => RequestSource.ClosedLoop(requests, 0, TokenLengths.Fixed(input), TokenLengths.Fixed(output), s),
            MaxRequests = requests,
        }).Run();

    /// <summary>
    /// Closed loop of fixed concurrency, as the NIM benchmark does; users start spread over <paramref name="rampSeconds"/>
    /// (in a long benchmark they are not in lock-step, which fixed lengths and a common start would keep them in).
    /// </summary>
    public static ServingResult Concurrency(ServingDeployment deployment, int concurrency, int input, int output, int requests, double rampSeconds = 0, long seed = 1) =>
        new ServingCluster(new ServingScenario
        {
            Replicas = [new ReplicaGroup(deployment, TrtLlm(256), 1)],
            Workload = s => RequestSource.ClosedLoop(concurrency, 0, TokenLengths.Fixed(input), TokenLengths.Fixed(output), s, rampNanos: ClusterSim.Core.Engine.SimTime.FromSeconds(rampSeconds)),
            MaxRequests = requests,
            Seed = seed,
        }).Run();

    /// <summary>
    /// vLLM as `vllm serve` runs it: the catalog's calibration for the accelerator (front end included), chunked prefill,
    /// KV blocks taken as sequences grow; a closed loop of fixed lengths, as `vllm bench serve --max-concurrency` drives it.
    /// </summary>
    public static ServingResult VllmConcurrency(string model, string hw, Precision weights, int concurrency, int input, int output, int requests, bool asyncScheduling = false) =>
        new ServingCluster(new ServingScenario
        {
            Replicas =
            [
                new ReplicaGroup(
                    SimCatalog.Default.Deployment(model, hw, weights: weights),
                    new SchedulerOptions { Kind = SchedulerKind.ChunkedPrefill, MaxSequences = 256, MaxBatchedTokens = 8192, AsyncScheduling = asyncScheduling },
                    1),
            ],
            Workload = s => RequestSource.ClosedLoop(concurrency, 0, TokenLengths.Fixed(input), TokenLengths.Fixed(output), s),
            MaxRequests = requests,
        }).Run();
}
