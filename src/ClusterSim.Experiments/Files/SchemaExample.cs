namespace ClusterSim.Experiments.Files;

/// <summary>An experiment that opens every section and sub-section, read once to record the schema.</summary>
internal static class SchemaExample
{
    public const string Text = """
        name: schema
        description: every section
        seed: 1
        replications: { min: 2, max: 3, metric: ttft_p99_s, relative_half_width: 0.05 }
        training:
          model: llama-3.1-8b
          hardware: H100-SXM
          tokens: 1e9
          parallelism: { tensor: 8 }
          efficiency: { matmul: 0.5 }
          failures: { enabled: true }
          checkpoints: { write_s: 30, interval_s: 600 }
          price_per_hour: 2
        serving:
          model: mixtral-8x7b
          hardware: H100-SXM
          tensor_parallel: 2
          scheduler: { kind: continuous, prefix_caching: true, kv_offload_gib: 1, kv_admission: reserve, policy: priority }
          efficiency: { compute: 0.5 }
          moe: { popularity: zipf }
          speculative: { method: draft, tokens: 3, acceptance: 0.7, draft_model: llama-2-7b, disable_above_batch: 8 }
          replicas: 2
          disaggregation: { prefill_replicas: 1, decode: { hardware: H200 } }
          response_cache: { entries: 10 }
        workload:
          arrival: { kind: trace, rate: 1 }
          prompt_tokens: { kind: lognormal, mean: 100 }
          output_tokens: { kind: lognormal, mean: 100 }
          prompts: { system_prompts: 2 }
          queries: { catalog: 10 }
          conversation: { turns: 2, follow_up_tokens: { kind: lognormal, mean: 100 } }
          trace: { file: none.csv }
          classes: { interactive: { share: 1, priority: 0, slo: { ttft_s: 0.5 } } }
        test_time:
          policy: adaptive
          thinking_tokens: { kind: lognormal, mean: 1000 }
          difficulty: { alpha: 1 }
          adaptive: { threshold: 0.5 }
        slo: { ttft_s: 1 }
        lifecycle:
          launch_date: 2024-01-01
          demand: { output_tokens_per_day: 1e9 }
          price: { per_hour: 2 }
          capex: { purchase_usd: 25000 }
          energy: { usd_per_kwh: 0.1 }
        industry:
          output_tokens_per_day: { 2024-01-01: 1e9, 2025-01-01: 2e9 }
        outputs: { series_interval_s: 10 }
        sweep:
          mode: lhs
          samples: 2
          parameters:
            seed: { min: 1, max: 2 }
        """;

    /// <summary>A comparison of alternatives for one service, which replaces training and lifecycle.</summary>
    public const string ChoicesText = """
        name: schema-choices
        serving: { model: llama-3.1-8b, hardware: H100-SXM }
        workload: { prompt_tokens: { kind: fixed, mean: 100 }, output_tokens: { kind: fixed, mean: 100 } }
        slo: { ttft_s: 1 }
        choices:
          baseline: { name: base, quality: 0.7, price_per_hour: 2 }
          demand: { output_tokens_per_day: 1e9 }
          horizon_days: 365
          headroom: 0.2
          cell_replicas: 2
          candidates:
            other:
              serving: { model: llama-3.1-8b, hardware: H100-SXM }
              price_per_hour: 2
              quality: 0.6
              upfront_usd: 0
              distillation: { teacher_tokens: 1e9 }
              cascade: { share: 0.5, quality: 0.6 }
              training: { model: llama-3.1-8b, hardware: H100-SXM, tokens: 1e9 }
        """;

    /// <summary>An assistant on devices against the cloud.</summary>
    public const string EdgeText = """
        name: schema-edge
        serving: { model: llama-3.1-8b, hardware: H100-SXM }
        workload: { prompt_tokens: { kind: fixed, mean: 100 }, output_tokens: { kind: fixed, mean: 100 } }
        slo: { ttft_s: 1 }
        edge:
          device: { model: llama-3.2-1b, hardware: iPhone-16-Pro, weights: int4 }
          device_quality: 0.5
          cloud_quality: 0.7
          users: 1000
          requests_per_user_per_day: 10
          device_price_usd: 999
          device_life_years: 3
          device_share: 0.1
          usd_per_kwh: 0.15
          cloud_price_per_hour: 2
          headroom: 0.2
          cell_replicas: 2
          offline_share: 0.05
          network: { rtt_ms: 80, uplink_mbps: 10 }
          hybrid: { on_device_share: 0.5, on_device_quality: 0.6 }
        """;

    /// <summary>A shared cluster, which stands alone (its jobs and deployments replace the other sections).</summary>
    public const string ClusterText = """
        name: schema-cluster
        cluster:
          policy: harvest
          energy: { usd_per_kwh: 0.1 }
          pools:
            gpus: { hardware: H100-SXM, count: 64 }
            decoders: { hardware: H200, count: 16 }
          training:
            job:
              pool: gpus
              model: llama-3.1-8b
              tokens: 1e9
              parallelism: { tensor: 8 }
              efficiency: { matmul: 0.5 }
              failures: { enabled: false }
              checkpoints: { write_s: 30, interval_s: 600 }
              repeat: { count: 2 }
          deployments:
            chat:
              model: llama-3.1-8b
              demand: { output_tokens_per_day: 1e9 }
              slo: { ttft_s: 1 }
              prompt_tokens: { kind: lognormal, mean: 100 }
              output_tokens: { kind: lognormal, mean: 100 }
              placements:
                gpus: { tensor_parallel: 1, scheduler: { kind: continuous }, efficiency: { compute: 0.5 }, moe: { popularity: zipf } }
                decoders:
                  tensor_parallel: 1
                  disaggregation: { prefill_replicas: 1, decode_replicas: 2, decode_pool: gpus, kv_link_gb_s: 50, latency_us: 20, decode: { tensor_parallel: 1 } }
        """;
}
