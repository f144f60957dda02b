using System.Globalization;
using System.Text;
using ClusterSim.Core.Catalog;

namespace ClusterSim.Tests;

/// <summary>
/// Measured-runs CSVs of well-formed rows drawn from a seed: models by their Hugging Face names on catalog GPUs, engines,
/// releases, precisions, expert and data parallelism, limits, sampling, length ranges, every way of sending, client caps,
/// prefill workers (disaggregated runs) and measured figures (the replay soak's and the calibration soak's input).
/// </summary>
internal static class RandomMeasuredRuns
{
    private const string Header = "exp_id,set,stage,workload,model,gpu,tp,ep,dp,dtype,kv_cache_dtype,sampling,engine,engine_version,arrival,rate_rps_or_concurrency,burstiness,n_requests,max_num_seqs,max_num_batched_tokens,gpu_mem_util,enable_prefix_caching,input_len_mean,input_len_min,input_len_max,output_len_mean,output_len_min,output_len_max,output_len_source,measured_ttft_mean_ms,measured_itl_mean_ms,measured_e2e_mean_ms,measured_throughput_tok_s,max_concurrency,prefill_replicas,kv_link_gb_s,output_stop,scheduler_recv_interval";

    /// <summary>
    /// A measured-runs CSV of <paramref name="rows"/> rows drawn from <paramref name="seed"/>, their mean TTFTs up to
    /// <paramref name="ttftMaxMs"/> (a calibration leaves out rows whose TTFT passes a second: overloaded runs).
    /// </summary>
    public static string File(int seed, int rows, double ttftMaxMs = 5010)
    {
        var random = new Random(seed);
        var serving = new Random(seed ^ 0x7D15);   // a client cap and prefill workers, from a stream of their own
        var stops = new Random(seed ^ 0xE05);   // answers stopped at EOS, from a stream of their own
        var reads = new Random(seed ^ 0x5EC7);   // SGLang's reads of new requests every few decode steps, from a stream of their own
        SimCatalog catalog = SimCatalog.Default;
        ModelSpec[] models = [.. catalog.Models.All.Where(m => m.TotalParameters < 3e11)];
        string[] gpus = ["H100", "H100-SXM", "H200", "A100-80GB", "A100-40GB", "L40S", "L4", "B200", "MI300X", "MI325X", "TPU-v6e", "A10", "GB200"];
        T Pick<T>(T[] from) => from[random.Next(from.Length)];
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

        var csv = new StringBuilder(Header).Append('\n');
        for (int i = 0; i < rows; i++)
        {
            string arrival = Pick(["constant", "poisson", "gamma", "concurrency", "offline", ""]);
            double rate = arrival == "concurrency" ? random.Next(1, 64) : 0.2 + (random.NextDouble() * 20);
            int input = random.Next(16, 8000), output = random.Next(1, 1500);
            bool ranged = random.NextDouble() < 0.3;
            int requests = random.Next(5, 120);
            string dtype = Pick(["BF16", "FP16", "FP8", "INT8", "INT4", "FP4"]);
            ModelSpec model = Pick(models);
            string name = model.Aliases.Count > 0 ? model.Aliases[0] : model.Id;
            csv.Append(CultureInfo.InvariantCulture, $"soak{seed}-{i},heldout,all,random,{name},{Pick(gpus)},{Pick(["1", "1", "2", "4", "8"])},{(model.IsMoE ? Pick(["", "1", "2", "8"]) : string.Empty)},{Pick(["", "1", "2"])},");
            string kvCache = Pick(["", "auto", "fp8"]), sampling = Pick(["", "greedy", "temperature", "top-p", "model-default"]), engine = Pick(["vllm", "sglang", "tensorrt-llm", ""]);   // in the order drawn before
            csv.Append(CultureInfo.InvariantCulture, $"{dtype},{kvCache},{sampling},{engine},{Pick(["", "0.8.5", "0.11.0", "0.19.0", "0.5.12", "1.0.0", "0.9.0", "0.5.9"])},");
            csv.Append(CultureInfo.InvariantCulture, $"{arrival},{F(rate)},{(arrival == "gamma" ? F(0.2 + random.NextDouble()) : string.Empty)},{requests},{Pick(["", "16", "256"])},{Pick(["", "512", "8192"])},{Pick(["", "0.9", "0.5"])},{Pick(["", "true", "false"])},");
            csv.Append(CultureInfo.InvariantCulture, $"{input},{(ranged ? (input * 4 / 5).ToString(CultureInfo.InvariantCulture) : string.Empty)},{(ranged ? input.ToString(CultureInfo.InvariantCulture) : string.Empty)},");
            int? eosCap = !ranged && stops.NextDouble() < 0.2 ? output + stops.Next(0, 2 * output) : null;   // the mean of answers stopped at EOS below the tokens asked
            string outputRange = eosCap is int cap ? $",{cap}" : ranged ? $"{output * 4 / 5},{output}" : ",";
            csv.Append(CultureInfo.InvariantCulture, $"{output},{outputRange},configured,");
            csv.Append(CultureInfo.InvariantCulture, $"{F(10 + (random.NextDouble() * (ttftMaxMs - 10)))},{F(2 + (random.NextDouble() * 100))},{F(100 + (random.NextDouble() * 60000))},{F(10 + (random.NextDouble() * 20000))},");
            csv.Append(CultureInfo.InvariantCulture, $"{(serving.NextDouble() < 0.25 ? serving.Next(1, 65).ToString(CultureInfo.InvariantCulture) : string.Empty)},");
            csv.Append(CultureInfo.InvariantCulture, $"{(serving.NextDouble() < 0.25 ? serving.Next(1, 3).ToString(CultureInfo.InvariantCulture) : string.Empty)},{(serving.NextDouble() < 0.5 ? "50" : string.Empty)},{(eosCap is null ? string.Empty : "eos")},");
            csv.Append(CultureInfo.InvariantCulture, $"{(engine == "sglang" && reads.NextDouble() < 0.3 ? reads.Next(2, 40).ToString(CultureInfo.InvariantCulture) : string.Empty)}\n");
        }

        return csv.ToString();
    }
}
