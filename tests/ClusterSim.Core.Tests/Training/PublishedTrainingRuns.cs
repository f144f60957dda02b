using ClusterSim.Core.Catalog;
using ClusterSim.Core.Training;

namespace ClusterSim.Core.Tests.Training;

/// <summary>
/// Every row of data/published/training-runs-public.csv: simulated with the plan its paper states (or our stated
/// assumption), or set aside with the reason. Matmul efficiency is fitted on one row per GPU generation
/// (Fitted = true); every other simulated row is held out. The Megatron-LM Table 1 family comes from the notes of
/// the 1T row, which list the paper's other configurations.
/// </summary>
public static class PublishedTrainingRuns
{
    private const string Megatron1T = "Megatron-LM 1T (benchmark, not trained)";

    public static IReadOnlyList<PublishedTrainingRun> All { get; } =
    [
        new("Megatron-LM 1T on 3,072 A100",
            Megatron("megatron-1t", 8, 64, 6, 3072),
            PublishedMetric.HardwareTflopsPerGpu, 163, Fitted: true, PlanPublished: true,
            "Narayanan et al. 2021, Table 1 (TP 8, PP 64, batch 3,072, full recomputation)") { CsvRow = Megatron1T },
        MegatronFamily("1.7B", "megatron-1.7b", 1, 1, 32, 512, 137),
        MegatronFamily("18.4B", "megatron-18.4b", 8, 1, 32, 1024, 135),
        MegatronFamily("39.1B", "megatron-39.1b", 8, 2, 32, 1536, 138),
        MegatronFamily("76.1B", "megatron-76.1b", 8, 4, 32, 1792, 140),
        MegatronFamily("145.6B", "megatron-145.6b", 8, 8, 24, 2304, 148),
        MegatronFamily("310.1B", "megatron-310.1b", 8, 16, 15, 2160, 155),
        MegatronFamily("529.6B", "megatron-529.6b", 8, 35, 9, 2520, 163),
        new("Megatron-LM 175B on 1,536 A100",
            Megatron("gpt-3-175b", 8, 12, 16, 1536),
            PublishedMetric.HardwareTflopsPerGpu, 141, Fitted: false, PlanPublished: true,
            "Narayanan et al. 2021, Table 2 (PTD-P, batch 1,536)") { CsvRow = "Megatron-LM 175B PTD-P (benchmark)" },
        new("MT-NLG 530B on 2,240 A100",
            Megatron("mt-nlg-530b", 8, 35, 8, 1920),
            PublishedMetric.HardwareTflopsPerGpu, 126, Fitted: false, PlanPublished: true,
            "Smith et al. 2022, Sec 2.3-3.2 (TP 8, PP 35, 280 DGX nodes, batch 1,920 × 2,048)")
        {
            CsvRow = "MT-NLG 530B (throughput benchmark)",
            KnownMiss = "the same architecture reaches 163 TFLOP/s per GPU in Megatron-LM (Table 1, 529.6B on 2,520 A100) but 126/121/113 in DeepSpeed at 280/350/420 nodes: the gap is the pipeline engine, which the model does not describe",
            MissBand = (1.15, 1.35),
        },
        new("LLaMA 65B on 2,048 A100",
            Job("llama-65b", "A100-80GB", 8, 4, 64, batchSequences: 2048, sequence: 2048, tokens: 1e9, recompute: RecomputeKind.Selective),
            PublishedMetric.TokensPerSecondPerGpu, 380, Fitted: false, PlanPublished: false,
            "Touvron et al. 2023, Sec 2.4 (380 tokens/s/GPU; 4M-token batch; xFormers attention, sequence parallelism); TP 8 × PP 4 is our assumption") { CsvRow = "LLaMA 65B" },
        new("Llama 2 70B, 2T tokens on A100",
            Job("llama-2-70b", "A100-80GB", 8, 4, 64, batchSequences: 1024, sequence: 4096, tokens: 2.0e12, recompute: RecomputeKind.Selective, failures: true),
            PublishedMetric.GpuHours, 1_720_320, Fitted: false, PlanPublished: false,
            "Touvron et al. 2023 (Llama 2) Table 2; 2,048 GPUs and TP 8 × PP 4 are our assumption") { CsvRow = "Llama 2 70B" },
        new("Llama 2 7B, 2T tokens on A100",
            Job("llama-2-7b", "A100-80GB", 1, 1, 512, batchSequences: 1024, sequence: 4096, tokens: 2.0e12, recompute: RecomputeKind.Selective, microBatch: 2, zero: 3, failures: true),
            PublishedMetric.GpuHours, 184_320, Fitted: false, PlanPublished: false,
            "Touvron et al. 2023 (Llama 2) Table 2 (184,320 GPU-hours, 4M-token batch); 512 GPUs with fully sharded data parallelism are our assumption") { CsvRow = "Llama 2 7B" },
        new("Llama 3.1 405B on 16,384 H100",
            Job("llama-3.1-405b", "H100-SXM", 8, 16, 128, batchSequences: 2048, sequence: 8192, tokens: 1e9, recompute: RecomputeKind.Full, chunks: 4),
            PublishedMetric.ModelTflopsPerGpu, 400, Fitted: true, PlanPublished: true,
            "Llama 3 Herd of Models 2024, Table 4 (TP 8, PP 16, DP 128, 16M-token batch, 400 TFLOP/s, 41 % MFU); interleaving and recomputation our assumption"),
        new("Llama 3.1 405B, 15.6T tokens on 16,384 H100",
            Job("llama-3.1-405b", "H100-SXM", 8, 16, 128, batchSequences: 2048, sequence: 8192, tokens: 1.56e13, recompute: RecomputeKind.Full, chunks: 4, failures: true),
            PublishedMetric.GpuHours, 30_840_000, Fitted: false, PlanPublished: true,
            "Meta Llama 3.1 model card (30.84M H100-hours); same plan as the fitted row, so this checks the failure and checkpoint overheads"),
        new("DeepSeek-V3, 14.8T tokens on 2,048 H800",
            DeepSeekV3(),
            PublishedMetric.GpuHours, 2_664_000, Fitted: true, PlanPublished: true,
            "DeepSeek-AI 2024, DeepSeek-V3 Technical Report: Table 1 (2,664K H800-hours of pre-training for 14.8T tokens) and Sec 3.2 (PP 16, EP 64 over 8 nodes, ZeRO-1, DualPipe, FP8, node-limited routing to 4 nodes, one MTP module, batch ramped to 15,360 × 4,096); the FP8 matmul efficiency of Hopper is fitted on this row"),
        new("Llama 3.1 70B, 15T tokens on H100",
            Job("llama-3.1-70b", "H100-SXM", 8, 4, 128, batchSequences: 2048, sequence: 8192, tokens: 1.5e13, recompute: RecomputeKind.Full, chunks: 4, failures: true),
            PublishedMetric.GpuHours, 7_000_000, Fitted: false, PlanPublished: false,
            "Meta Llama 3.1 model card (7.0M H100-hours, 15T+ tokens); 4,096 GPUs and TP 8 × PP 4 are our assumption")
        {
            CsvRow = "Llama 3.1 70B",
            KnownMiss = "the card's 7.0M hours imply 25 % MFU while the same paper reports 38-43 % for 405B on the same cluster; the hours likely include long-context and annealing stages beyond the stated 15T tokens, and restarted runs",
            MissBand = (0.65, 0.8),
        },
        new("Llama 3.1 8B, 15T tokens on H100",
            Job("llama-3.1-8b", "H100-SXM", 1, 1, 1024, batchSequences: 2048, sequence: 8192, tokens: 1.5e13, recompute: RecomputeKind.Selective, failures: true),
            PublishedMetric.GpuHours, 1_460_000, Fitted: false, PlanPublished: false,
            "Meta Llama 3.1 model card (1.46M H100-hours, 15T+ tokens); 1,024 GPUs, data parallel only, are our assumption")
        {
            CsvRow = "Llama 3.1 8B",
            KnownMiss = "the card's 1.46M hours imply about 18 % MFU for an 8B dense model; as for 70B, the hours cover more than the stated 15T-token pre-training (the Llama 3 card gives 1.3M for the same size)",
            MissBand = (0.18, 0.32),
        },
        new("MPT-7B, 1T tokens on 440 A100-40GB",
            Job("mpt-7b", "A100-40GB", 1, 1, 440, batchSequences: 1760, sequence: 2048, tokens: 1.0e12, recompute: RecomputeKind.Full, zero: 3, failures: true),
            PublishedMetric.WallDays, 9.5, Fitted: false, PlanPublished: false,
            "MosaicML MPT-7B announcement (440 A100-40GB, 9.5 days including restarts, FSDP, FlashAttention); a 1,760-sequence batch and full recomputation are our assumption") { CsvRow = "MPT-7B" },
        new("SmolLM3 3B, 11.2T tokens on 384 H100",
            Job("smollm3-3b", "H100-SXM", 2, 1, 192, batchSequences: 576, sequence: 4096, tokens: 1.12e13, recompute: RecomputeKind.Selective, microBatch: 3, failures: true),
            PublishedMetric.WallDays, 24, Fitted: false, PlanPublished: false,
            "Hugging Face SmolLM3 blog (384 H100, 24 days, 11.2T tokens, 2.36M-token batch of 4,096-token sequences); TP 2 × DP 192 is our assumption")
        {
            CsvRow = "SmolLM3 3B",
            KnownMiss = "the 24 days imply 26 % utilisation, half what the model (fitted on a 405B Megatron run) gives a 3B model on H100; the gap is the small GEMMs of a 2,048-wide model on Hopper and a stack other than Megatron, which no published H100 row with a stated plan lets us fit",
            MissBand = (0.4, 0.65),
        },
        new("OLMo 2 7B, 4.05T tokens on H100 (GPU energy)",
            Job("olmo-2-7b", "H100-SXM", 1, 1, 1024, batchSequences: 1024, sequence: 4096, tokens: 4.05e12, recompute: RecomputeKind.Selective, zero: 3, failures: true, pue: 1.0),
            PublishedMetric.GpuEnergyMwh, 131, Fitted: false, PlanPublished: false,
            "OLMo Team 2025, Table 19 (131 MWh of GPU power for 4.05T tokens); 1,024 H100 with sharded data parallelism and a draw of 0.8 × TDP are our assumptions")
        {
            CsvRow = "OLMo 2 7B",
            KnownMiss = "131 MWh at 0.8 × TDP is about 230k H100-hours, 22 % utilisation for a 7B model: as for SmolLM3, small models on H100 fall short of the 405B-fitted step model, and the measured draw is not published",
            MissBand = (0.3, 0.55),
        },
        MaxText("Llama 3.1 70B", "llama-3.1-70b", "TPU-v6e", 256, perDevice: 4, sequence: 8192, 960, fitted: true,
            "per-device batch 4 (5 in another revision), FSDP over the slice, decoder inputs and q/k/v projections offloaded to the host"),
        MaxText("Llama 2 70B", "llama-2-70b", "TPU-v6e", 256, perDevice: 2, sequence: 4096, 900, fitted: false,
            "per-device batch 2 (2-3 across the recipe's revisions), FSDP, q/k/v projections offloaded"),
        MaxText("Llama 3.1 8B", "llama-3.1-8b", "TPU-v6e", 256, perDevice: 4, sequence: 8192, 7207, fitted: false,
            "per-device batch 4, FSDP, decoder inputs and all four projections offloaded"),
        MaxText("Llama 3.1 405B", "llama-3.1-405b", "TPU-v6e", 256, perDevice: 1, sequence: 8192, 123, fitted: false,
            "per-device batch 1, FSDP, decoder inputs offloaded, the rest recomputed") with
        {
            KnownMiss = "the 405B row reaches 0.77 of the 70B row's MFU on the same slice where the model, which times both as compute-bound, gives them the same: the linked configuration shards over two slices (ici_fsdp 256 × dcn_fsdp 2, its FSDP traffic crossing the data-centre network) though the table says 256 chips, and at one sequence per chip each layer's gathered BF16 weights (6.4 GB) compete with the 25 GB of sharded states for 32 GB; neither is charged here",
            MissBand = (1.4, 1.6),
        },
        MaxText("Mixtral 8x7B", "mixtral-8x7b", "TPU-v6e", 256, perDevice: 12, sequence: 4096, 3899, fitted: false,
            "per-device batch 12, FSDP, projections offloaded, experts dropped at capacity") with { FitsExpertMatmul = true },
        MaxText("Mixtral 8x22B", "mixtral-8x22b", "TPU-v6e", 256, perDevice: 4, sequence: 4096, 1326, fitted: false,
            "per-device batch 4 is our assumption; FSDP"),
        MaxText("Llama 2 70B", "llama-2-70b", "TPU-v5p", 512, perDevice: 4, sequence: 4096, 692, fitted: true,
            "per-device batch 4 is our assumption; FSDP over the slice"),
        MaxText("Mixtral 8x7B", "mixtral-8x7b", "TPU-v5p", 256, perDevice: 12, sequence: 4096, 2909, fitted: false,
            "per-device batch 12 is our assumption; FSDP"),
        MegatronBridge("25.11", "Llama 3 70B", "llama-3.1-70b", "H100-SXM", 64, batch: 128, micro: 1, tp: 4, pp: 8, cp: 1, vp: 5, zero: 1, 1602, fitted: true),
        MegatronBridge("25.11", "Llama 3 8B", "llama-3.1-8b", "H100-SXM", 8, batch: 128, micro: 1, tp: 1, pp: 1, cp: 1, vp: 1, zero: 3, 14451, fitted: false,
            "FSDP over the 8 GPUs taken as ZeRO-3; the recipe's recomputation of 5 of the 32 layers is not charged (our assumption: none)"),
        MegatronBridge("25.11", "Llama 3.1 405B", "llama-3.1-405b", "H100-SXM", 1024, batch: 512, micro: 1, tp: 8, pp: 8, cp: 2, vp: 8, zero: 1, 292, fitted: false),
        MegatronBridge("26.02", "Llama 3 70B", "llama-3.1-70b", "H100-SXM", 64, batch: 256, micro: 1, tp: 4, pp: 8, cp: 1, vp: 5, zero: 1, 1621, fitted: false, format: TrainingFormat.Fp8),
        MegatronBridge("26.02", "Llama 3.1 405B", "llama-3.1-405b", "H100-SXM", 1024, batch: 1536, micro: 1, tp: 8, pp: 8, cp: 2, vp: 8, zero: 1, 311, fitted: false, format: TrainingFormat.Fp8),
        MegatronBridge("25.11", "Llama 3 8B", "llama-3.1-8b", "B200", 8, batch: 128, micro: 2, tp: 1, pp: 1, cp: 1, vp: 1, zero: 1, 30624, fitted: true),
        MegatronBridge("25.11", "Llama 3 8B", "llama-3.1-8b", "GB200", 8, batch: 128, micro: 2, tp: 1, pp: 1, cp: 1, vp: 1, zero: 1, 31508, fitted: false),
        MegatronBridge("25.11", "Llama 3.1 405B", "llama-3.1-405b", "B200", 128, batch: 64, micro: 1, tp: 4, pp: 8, cp: 2, vp: 8, zero: 1, 661, fitted: false),
        GraceBlackwellUltraMiss(MegatronBridge("25.11", "Llama 3 8B", "llama-3.1-8b", "GB300", 8, batch: 128, micro: 2, tp: 1, pp: 1, cp: 1, vp: 1, zero: 1, 37556, fitted: false), 0.85, 0.93),
        GraceBlackwellUltraMiss(MegatronBridge("25.11", "Llama 3.1 405B", "llama-3.1-405b", "GB300", 256, batch: 1536, micro: 1, tp: 2, pp: 8, cp: 2, vp: 4, zero: 1, 999, fitted: false), 0.83, 0.91),
        MegatronBridge("25.11", "Llama 3 8B", "llama-3.1-8b", "B200", 8, batch: 128, micro: 2, tp: 1, pp: 1, cp: 1, vp: 1, zero: 1, 29521, fitted: true, format: TrainingFormat.MxFp8),
        MegatronBridge("25.11", "Llama 3 8B", "llama-3.1-8b", "GB200", 8, batch: 128, micro: 2, tp: 1, pp: 1, cp: 1, vp: 1, zero: 1, 29789, fitted: false, format: TrainingFormat.MxFp8),
        MegatronBridge("25.11", "Llama 3.1 405B", "llama-3.1-405b", "B200", 128, batch: 64, micro: 1, tp: 4, pp: 8, cp: 2, vp: 8, zero: 1, 624, fitted: false, format: TrainingFormat.MxFp8),
        MegatronBridge("26.02", "Llama 3 70B", "llama-3.1-70b", "GB200", 64, batch: 256, micro: 1, tp: 2, pp: 4, cp: 1, vp: 5, zero: 1, 3613, fitted: false, format: TrainingFormat.MxFp8),
        GraceBlackwellUltraMiss(MegatronBridge("25.11", "Llama 3 8B", "llama-3.1-8b", "GB300", 8, batch: 128, micro: 2, tp: 1, pp: 1, cp: 1, vp: 1, zero: 1, 36108, fitted: false, format: TrainingFormat.MxFp8), 0.86, 0.94),
        GraceBlackwellUltraMiss(MegatronBridge("26.02", "Llama 3 70B", "llama-3.1-70b", "GB300", 64, batch: 256, micro: 1, tp: 1, pp: 4, cp: 1, vp: 5, zero: 1, 4596, fitted: false, format: TrainingFormat.MxFp8), 0.87, 0.95),
        GraceBlackwellUltraMiss(MegatronBridge("26.02", "Llama 3.1 405B", "llama-3.1-405b", "GB300", 256, batch: 1536, micro: 1, tp: 2, pp: 8, cp: 2, vp: 4, zero: 1, 931, fitted: false, format: TrainingFormat.MxFp8), 0.86, 0.94),
        GraceBlackwellUltraMiss(MegatronBridge("26.02", "Llama 3.1 405B", "llama-3.1-405b", "GB300", 256, batch: 1536, micro: 1, tp: 4, pp: 8, cp: 1, vp: 4, zero: 1, 988, fitted: false, format: TrainingFormat.Fp8), 0.77, 0.85),
        MegatronBridge("25.11", "Llama 3.1 405B", "llama-3.1-405b", "GB200", 256, batch: 1536, micro: 1, tp: 4, pp: 16, cp: 1, vp: 4, zero: 1, 813, fitted: false),
        MegatronBridge("26.02", "Llama 3.1 405B", "llama-3.1-405b", "GB200", 256, batch: 1536, micro: 1, tp: 4, pp: 16, cp: 1, vp: 4, zero: 1, 793, fitted: false, format: TrainingFormat.Fp8),
        MegatronBridge("26.02", "Llama 3.1 405B", "llama-3.1-405b", "GB200", 256, batch: 1536, micro: 1, tp: 4, pp: 16, cp: 1, vp: 8, zero: 1, 786, fitted: false, format: TrainingFormat.MxFp8),
        MegatronBridge("26.02", "Llama 3 70B", "llama-3.1-70b", "GB200", 64, batch: 256, micro: 1, tp: 2, pp: 4, cp: 1, vp: 5, zero: 1, 4458, fitted: true, format: TrainingFormat.NvFp4),
        GraceBlackwellUltraMiss(MegatronBridge("26.02", "Llama 3 70B", "llama-3.1-70b", "GB300", 64, batch: 256, micro: 1, tp: 1, pp: 4, cp: 1, vp: 5, zero: 1, 6798, fitted: false, format: TrainingFormat.NvFp4), 0.83, 0.91),
        GraceBlackwellUltraMiss(MegatronBridge("26.02", "Llama 3.1 405B", "llama-3.1-405b", "GB300", 256, batch: 1536, micro: 1, tp: 4, pp: 8, cp: 1, vp: 4, zero: 1, 1333, fitted: false, format: TrainingFormat.NvFp4), 0.84, 0.92),
        NeMo2407("Llama 2 7B", "llama-2-7b", 8, batch: 128, micro: 1, sequence: 4096, tp: 1, pp: 1, cp: 1, vp: 1, 16847),
        NeMo2407("Llama 2 13B", "llama-2-13b", 16, batch: 128, micro: 1, sequence: 4096, tp: 1, pp: 4, cp: 1, vp: 10, 8646),
        NeMo2407("Llama 2 70B", "llama-2-70b", 64, batch: 128, micro: 1, sequence: 4096, tp: 4, pp: 4, cp: 1, vp: 20, 1707),
        NeMo2407("Llama 3 8B", "llama-3.1-8b", 8, batch: 128, micro: 1, sequence: 8192, tp: 1, pp: 1, cp: 2, vp: 1, 12036),
        NeMo2407("Llama 3 70B", "llama-3.1-70b", 64, batch: 128, micro: 1, sequence: 8192, tp: 4, pp: 4, cp: 2, vp: 5, 1533),
        NeMo2407("GPT-3 175B", "gpt-3-175b", 128, batch: 256, micro: 1, sequence: 2048, tp: 4, pp: 8, cp: 1, vp: 6, 726),
        NeMo2407("GPT-3 175B", "gpt-3-175b", 512, batch: 2048, micro: 2, sequence: 2048, tp: 4, pp: 8, cp: 1, vp: 6, 782),
        MegatronBridge("25.11", "Qwen3 30B-A3B", "qwen3-30b-a3b", "H100-SXM", 16, batch: 512, micro: 2, tp: 1, pp: 2, cp: 1, vp: 24, zero: 1, 5275, fitted: false, sequence: 4096, ep: 8) with
        {
            KnownMiss = OneLayerVirtualStages,
            MissBand = (2.9, 3.3),
        },

        // Fine-grained MoE (the newest container that publishes each model on each system): held out, nothing fitted on them.
        MoeRecipe("26.08", "DeepSeek-V3", "deepseek-v3", "GB300", 256, batch: 4096, micro: 1, tp: 1, pp: 2, vp: 8, ep: 32, 6288, TrainingFormat.MxFp8),
        MoeRecipe("26.08", "DeepSeek-V3", "deepseek-v3", "GB200", 256, batch: 4096, micro: 1, tp: 1, pp: 4, vp: 4, ep: 64, 4912, TrainingFormat.MxFp8),
        MoeRecipe("26.08", "GPT-OSS 120B", "gpt-oss-120b", "GB300", 64, batch: 1280, micro: 4, tp: 1, pp: 1, vp: 1, ep: 16, 33024, TrainingFormat.MxFp8),
        MoeRecipe("26.08", "GPT-OSS 120B", "gpt-oss-120b", "GB200", 64, batch: 1280, micro: 4, tp: 1, pp: 1, vp: 1, ep: 64, 28672, TrainingFormat.MxFp8),
        MoeRecipe("26.08", "Qwen3 30B-A3B", "qwen3-30b-a3b", "GB300", 8, batch: 512, micro: 8, tp: 1, pp: 1, vp: 1, ep: 8, 44544, TrainingFormat.MxFp8),
        MoeRecipe("26.08", "Qwen3 30B-A3B", "qwen3-30b-a3b", "GB200", 8, batch: 512, micro: 4, tp: 1, pp: 1, vp: 1, ep: 8, 39936, TrainingFormat.MxFp8),
        MoeRecipe("26.08", "Qwen3 235B-A22B", "qwen3-235b-a22b", "GB300", 256, batch: 8192, micro: 2, tp: 1, pp: 4, vp: 12, ep: 32, 8816, TrainingFormat.MxFp8),
        MoeRecipe("26.08", "Qwen3 235B-A22B", "qwen3-235b-a22b", "GB200", 256, batch: 8192, micro: 1, tp: 1, pp: 8, vp: 3, ep: 32, 7280, TrainingFormat.MxFp8),
        MoeRecipe("26.06", "Kimi K2", "kimi-k2", "GB300", 256, batch: 4096, micro: 2, tp: 1, pp: 4, vp: 4, ep: 64, 5372, TrainingFormat.MxFp8),
        MoeRecipe("26.06", "Qwen3 30B-A3B", "qwen3-30b-a3b", "H100-SXM", 16, batch: 1024, micro: 1, tp: 1, pp: 1, vp: 1, ep: 16, 8826, TrainingFormat.Fp8),
        MoeRecipe("26.04.01", "Qwen3 235B-A22B", "qwen3-235b-a22b", "H100-SXM", 256, batch: 8192, micro: 1, tp: 2, pp: 8, vp: 4, ep: 32, 1712, TrainingFormat.Fp8),
        MoeRecipe("25.09", "DeepSeek-V3", "deepseek-v3", "H100-SXM", 1024, batch: 8192, micro: 1, tp: 2, pp: 8, vp: 4, ep: 64, 1297, TrainingFormat.Fp8),
        MoeRecipe("26.06", "Qwen3 30B-A3B", "qwen3-30b-a3b", "B300", 8, batch: 512, micro: 8, tp: 1, pp: 1, vp: 1, ep: 8, 40769, TrainingFormat.MxFp8),
        Missed(MoeRecipe("26.06", "DeepSeek-V3", "deepseek-v3", "B300", 256, batch: 4096, micro: 2, tp: 1, pp: 8, vp: 1, ep: 8, 3541, TrainingFormat.MxFp8), HgxBlackwellUltraDeepSeek, 1.3, 1.5),
        Missed(MoeRecipe("26.06", "GPT-OSS 120B", "gpt-oss-120b", "B300", 64, batch: 1280, micro: 4, tp: 1, pp: 1, vp: 1, ep: 8, 18534, TrainingFormat.MxFp8), AttentionSinks, 1.9, 2.15),
        MoeRecipe("26.06", "Nemotron 3 Nano 30B-A3B", "nemotron-3-nano-30b-a3b", "B300", 8, batch: 512, micro: 4, tp: 1, pp: 1, vp: 1, ep: 8, 37316, TrainingFormat.MxFp8, sequence: 8192),
        Missed(MoeRecipe("26.04.01", "Qwen3 235B-A22B", "qwen3-235b-a22b", "B300", 256, batch: 8192, micro: 2, tp: 1, pp: 8, vp: 1, ep: 8, 5936, TrainingFormat.MxFp8), OlderContainer, 1.25, 1.4),
        // The hybrid's chunked scan: its share of the BF16 peak fitted on the newest GB300 run, the others held out.
        MoeRecipe("26.08", "Nemotron 3 Nano 30B-A3B", "nemotron-3-nano-30b-a3b", "GB300", 8, batch: 512, micro: 4, tp: 1, pp: 1, vp: 1, ep: 8, 39936, TrainingFormat.MxFp8, sequence: 8192) with { FitsScan = true },
        MoeRecipe("26.06", "Nemotron 3 Nano 30B-A3B", "nemotron-3-nano-30b-a3b", "H100-SXM", 16, batch: 1024, micro: 1, tp: 1, pp: 1, vp: 1, ep: 8, 14719, TrainingFormat.Fp8, sequence: 8192),
        MoeRecipe("26.06.01", "Nemotron 3 Nano 30B-A3B", "nemotron-3-nano-30b-a3b", "GB200", 8, batch: 512, micro: 2, tp: 1, pp: 1, vp: 1, ep: 8, 34816, TrainingFormat.MxFp8, sequence: 8192),
        MoeRecipe("26.04.01", "Nemotron 3 Nano 30B-A3B", "nemotron-3-nano-30b-a3b", "B200", 8, batch: 512, micro: 2, tp: 1, pp: 1, vp: 1, ep: 8, 32768, TrainingFormat.MxFp8, sequence: 8192),
        Missed(MoeRecipe("26.04.01", "GPT-OSS 120B", "gpt-oss-120b", "H100-SXM", 64, batch: 1280, micro: 1, tp: 1, pp: 4, vp: 1, ep: 8, 5824, TrainingFormat.Bf16), AttentionSinks, 2.5, 2.9),
        Missed(MoeRecipe("26.04.01", "GPT-OSS 120B", "gpt-oss-120b", "B200", 64, batch: 1280, micro: 4, tp: 1, pp: 1, vp: 1, ep: 8, 13568, TrainingFormat.Bf16), AttentionSinks, 1.85, 2.1),
        Missed(MoeRecipe("26.04.01", "Qwen3 30B-A3B", "qwen3-30b-a3b", "B200", 8, batch: 512, micro: 4, tp: 1, pp: 1, vp: 1, ep: 8, 27136, TrainingFormat.MxFp8), OlderContainer, 1.35, 1.55),
        Missed(MoeRecipe("26.04.01", "Qwen3 235B-A22B", "qwen3-235b-a22b", "B200", 256, batch: 8192, micro: 1, tp: 1, pp: 8, vp: 1, ep: 8, 3776, TrainingFormat.MxFp8), OlderContainer, 1.9, 2.15),
        Missed(MoeRecipe("26.04.01", "DeepSeek-V3", "deepseek-v3", "B200", 256, batch: 4096, micro: 1, tp: 1, pp: 8, vp: 2, ep: 32, 3328, TrainingFormat.MxFp8), NodeDeduplicatedDispatch, 0.48, 0.58),
    ];

    /// <summary>Rows of the public file that are not simulated, with the reason.</summary>
    public static IReadOnlyList<(string CsvRow, string Reason)> SetAside { get; } =
    [
        ("GPT-3 175B", "the 10,000 V100 and 14.8 days are an NVIDIA suggestion relayed by Patterson et al., not a disclosed run; no plan is published"),
        ("Gopher 280B", "TPU v3 pods: the partitioning over 4,096 chips and the ICI bandwidth per chip are not published"),
        ("Chinchilla 70B", "no hardware, chip count or wall time is stated"),
        ("Mixtral 8x7B", "tokens, hardware and hours are not disclosed"),
        ("OLMo 7B (MosaicML A100 run)", "the tokens of the A100 run are not stated, so there is nothing to predict the energy from"),
        ("OPT-175B", "147 TFLOP/s is an \"up to\" peak, not a sustained rate, and the tokens consumed are not stated"),
        ("GPT-4 (third-party estimate)", "a third-party estimate of an undisclosed MoE architecture; an order-of-magnitude check at most"),
        ("MLPerf Training v3.0 GPT-3 175B benchmark", "the tokens and global batch of each submission are not in the results tables"),
        ("NeMo 24.07 GPT3-5B, GPT3-20B and Nemotron 8B/22B/340B on H100 (FP8)", "those models are not in the catalog (their configurations are NeMo's own, not published with the table)"),
        ("Megatron-Bridge 26.02 Llama 3.1 405B on 256 GB200 (NVFP4)", "the memory check refuses its plan (TP 4, PP 16, VP 8: 150 GiB of activations against 186 GiB): the FP4 recipe's held copies of the GEMM inputs are not modelled (FP8's are, at half)"),
        ("Megatron-Bridge 25.11 GPT-OSS 120B on 64 H100 (BF16)", "the memory check refuses its micro-batch of 4 without recomputation once the experts' optimizer states shard over the expert-data-parallel group (2 ranks), as Megatron's distributed optimizer shards them: the recipe recomputes the layer norms and the experts' activation function, a choice the model's recomputation (none, attention scores, full) does not describe; the 26.04.01 run of the same plan at micro-batch 1 is simulated"),
        ("Megatron-Bridge 25.11 Llama 3 70B on 64 GB200 (FP8-CS)", "Megatron FSDP with 40 layers' activations offloaded to the host by its recipe: partial offloading of a layer count is not modelled"),
    ];

    /// <summary>
    /// A MaxText pre-training benchmark on a TPU slice (its tiering table's approximate tokens/s per chip): fully sharded data
    /// parallelism over every chip (MaxText's ici_fsdp_parallelism -1: ZeRO-3 here), no tensor or pipeline parallelism,
    /// flash attention. Its remat policies save a few tensors (the layer input, the attention projections) in host memory
    /// and recompute the rest, the MLP's matmuls the bulk of it: taken as full recomputation with the saved activations
    /// offloaded. The per-device batch is the linked recipe's where one is linked.
    /// </summary>
    private static PublishedTrainingRun MaxText(string label, string model, string chip, int chips, int perDevice, int sequence, double tokensPerChip, bool fitted, string plan)
    {
        TrainingJob job = Job(model, chip, 1, 1, chips, batchSequences: (long)perDevice * chips, sequence: sequence, tokens: 1e9, recompute: RecomputeKind.Full, microBatch: perDevice, zero: 3);
        string name = $"MaxText {label} on {chips} {chip.Replace('-', ' ')}";
        return new(name, job with { Plan = job.Plan with { OffloadActivations = true } }, PublishedMetric.TokensPerSecondPerGpu, tokensPerChip,
            Fitted: fitted, PlanPublished: !plan.Contains("assumption", StringComparison.Ordinal),
            $"MaxText tiering table (maxtext docs/reference/models/tiering.md at 20a91e12); {plan}")
        { CsvRow = name };
    }

    /// <summary>A row the model misses for <paramref name="reason"/>, held to <paramref name="low"/>-<paramref name="high"/> of its published figure.</summary>
    private static PublishedTrainingRun Missed(PublishedTrainingRun row, string reason, double low, double high) =>
        row with { KnownMiss = reason, MissBand = (low, high) };

    /// <summary>A GB300 row held to <paramref name="low"/>-<paramref name="high"/> of its published figure, for <see cref="GraceBlackwellUltra"/>'s reason.</summary>
    private static PublishedTrainingRun GraceBlackwellUltraMiss(PublishedTrainingRun row, double low, double high) =>
        row with { KnownMiss = GraceBlackwellUltra, MissBand = (low, high) };

    private const string OneLayerVirtualStages = "Megatron-Bridge 25.11's Hopper recipe for Qwen3 30B-A3B (PP 2 with 24 virtual stages of one layer each, EP 8 inside a node) runs at a third of the model's rate; NVIDIA's later recipe on the same GPUs (26.06: PP 1, EP 16 across two nodes) is 1.7× faster and within 3 % of the model. What one-layer virtual stages cost around MoE layers (a send and a wait at every layer between the all-to-alls) is not modelled";

    private const string AttentionSinks = "GPT-OSS on the eight-GPU systems (H100 and B200 in BF16, 26.04.01; B300 in MXFP8, 26.06) runs at 37-51 % of the model's rate where its MXFP8 runs of 26.08 on GB200 and GB300 are within 19 %: its attention adds learned sinks and 128-token sliding windows on half the layers, which NVIDIA's notes tie to a cuDNN attention regression of that period (NVIDIA/cudnn-frontend issue 256); the model costs it as plain fused attention";

    private const string OlderContainer = "B200's newest published MoE runs, and B300's of Qwen3 235B-A22B, are from the 26.04.01 container, whose GB200 runs of the same models are 1.2-1.6× below the model too; the next container (26.06) ran GB200 1.3-1.6× faster on the same plans, within 7 % of the model, which describes the newest software";

    private const string HgxBlackwellUltraDeepSeek = "DeepSeek-V3 on 256 HGX B300 (PP 8, EP 8 inside each node, micro-batch 2) runs at 0.71 of the model's rate where the same container's run on 256 GB300 (PP 2 with 8 virtual stages, EP 32 over the NVL72) runs 1.2× faster than the model gives it: the real systems differ by 1.8× on these plans and the model by 1.05×, and nothing published says where the HGX run loses it (each stage boundary crosses the network, both charged; the bubble of 7 of 64 micro-batches, charged)";

    private const string NodeDeduplicatedDispatch = "the recipe dispatches with DeepEP, which sends a token once to each node holding its experts and forwards it over NVLink, and overlaps the all-to-all with compute; the model sends each of its 8 copies over the network (6 of 8 cross it at EP 32 over four nodes) in the critical path, 70 % of the simulated step, and gives this run half its throughput (charged as the recipe runs it, 1.3×: see the README on the H100 rows)";

    private const string GraceBlackwellUltra = "GB300 (Blackwell Ultra) runs 19 % faster than GB200 on the same 8B plan (23 % on 405B) where the catalog gives both the same FP8 peak and bandwidth: Blackwell Ultra doubles the special-function units' exponent rate for attention's softmax and draws 1,400 W against 1,200 W, neither of which the model sees";

    /// <summary>
    /// A Megatron-Bridge performance-recipe run (NVIDIA NeMo's performance summary): FP8 with current (per-tensor) scaling,
    /// sequences of 8,192, the table's parallelism and batch; data parallelism takes the GPUs the plan leaves, DDP with
    /// the distributed optimizer (ZeRO-1) unless the table says FSDP; no recomputation (the presets name none unless noted).
    /// </summary>
    private static PublishedTrainingRun MegatronBridge(string container, string label, string model, string chip, int gpus, long batch, int micro,
        int tp, int pp, int cp, int vp, int zero, double tokensPerGpu, bool fitted, string? assumption = null, TrainingFormat format = TrainingFormat.Fp8Cs,
        int sequence = 8192, int ep = 1)
    {
        (Precision precision, Fp8Scaling scaling, string csvSuffix, string described) = format switch
        {
            TrainingFormat.Bf16 => (Precision.BF16, Fp8Scaling.Tensor, "(BF16)", "BF16"),
            TrainingFormat.Fp8Cs => (Precision.FP8, Fp8Scaling.Tensor, "(FP8-CS)", "FP8 current scaling"),
            TrainingFormat.Fp8 => (Precision.FP8, Fp8Scaling.Tensor, "(FP8)", "FP8 (the table names no recipe; current scaling taken, as 25.11's)"),
            TrainingFormat.MxFp8 => (Precision.FP8, Fp8Scaling.Block, "(MXFP8)", "MXFP8"),
            _ => (Precision.INT4, Fp8Scaling.Tensor, "(NVFP4)", "NVFP4"),
        };
        TrainingJob job = RecipeJob(model, chip, gpus, batch, micro, sequence, tp, pp, cp, vp, ep, zero, precision, scaling);
        string name = $"Megatron-Bridge {container} {label} on {gpus:N0} {chip.Replace("-SXM", string.Empty, StringComparison.Ordinal)} {csvSuffix}";
        return new(name, job, PublishedMetric.TokensPerSecondPerGpu, tokensPerGpu, Fitted: fitted, PlanPublished: assumption is null,
            $"NeMo Megatron-Bridge performance summary, {container} container (docs/performance-summary.md and its archive): TP {tp}, PP {pp}, CP {cp}, VP {vp}, EP {ep}, micro-batch {micro}, batch {batch:N0} × {sequence:N0}, {described}{(assumption is null ? string.Empty : "; " + assumption)}")
        { CsvRow = name };
    }

    /// <summary>
    /// A Megatron-Bridge MoE performance recipe (sequences of 4,096 unless given, no context parallelism, the distributed
    /// optimizer): the recipes fold the expert grid onto each stage's ranks with one expert-tensor rank (Megatron Core's
    /// MoE parallel folding), so the expert group may span tensor-parallel ranks; experts force-balanced and dropless.
    /// </summary>
    private static PublishedTrainingRun MoeRecipe(string container, string label, string model, string chip, int gpus, long batch, int micro,
        int tp, int pp, int vp, int ep, double tokensPerGpu, TrainingFormat format, int sequence = 4096)
    {
        PublishedTrainingRun row = MegatronBridge(container, label, model, chip, gpus, batch, micro, tp, pp, cp: 1, vp, zero: 1, tokensPerGpu, fitted: false,
            format: format, sequence: sequence, ep: ep);
        return row with { Job = row.Job with { Plan = row.Job.Plan with { ExpertTensorParallel = 1 } } };
    }

    /// <summary>
    /// A row of NeMo 24.07's performance summary on DGX-H100 (FP8, Transformer Engine's per-tensor delayed scaling): held
    /// out of the per-tensor fit, which is Megatron-Bridge 25.11's, sixteen months and several containers later.
    /// </summary>
    private static PublishedTrainingRun NeMo2407(string label, string model, int gpus, long batch, int micro, int sequence, int tp, int pp, int cp, int vp, double tokensPerGpu)
    {
        TrainingJob job = RecipeJob(model, "H100-SXM", gpus, batch, micro, sequence, tp, pp, cp, vp, ep: 1, zero: 1, Precision.FP8, Fp8Scaling.Tensor);
        string name = $"NeMo 24.07 {label} on {gpus} H100 (FP8)";
        return new(name, job, PublishedMetric.TokensPerSecondPerGpu, tokensPerGpu, Fitted: false, PlanPublished: true,
            $"NeMo 24.07 performance summary, DGX-H100 (docs/source/performance/performance_summary.md): TP {tp}, PP {pp}, CP {cp}, VP {vp}, micro-batch {micro}, batch {batch:N0} × {sequence:N0}, FP8; no recomputation named")
        { CsvRow = name };
    }

    /// <summary>
    /// A NeMo performance recipe's job: data parallelism takes the GPUs the plan leaves, no recomputation, the precision's
    /// (and FP8 recipe's) shipped calibration.
    /// </summary>
    private static TrainingJob RecipeJob(string model, string chip, int gpus, long batch, int micro, int sequence, int tp, int pp, int cp, int vp, int ep, int zero,
        Precision precision, Fp8Scaling scaling)
    {
        TrainingJob job = Job(model, chip, tp, pp, gpus / (tp * pp * cp), batchSequences: batch, sequence: sequence, tokens: 1e9, recompute: RecomputeKind.None,
            chunks: vp, microBatch: micro, zero: zero);
        return job with
        {
            Precision = precision,
            Fp8Scaling = scaling,
            Efficiency = TrainingCalibrations.For(job.Accelerator, precision, scaling).Efficiency,
            Plan = job.Plan with { ContextParallel = cp, ExpertParallel = ep },
        };
    }

    /// <summary>DeepSeek-V3's pre-training as its report states it; recomputing norms and up-projections is taken as selective.</summary>
    private static TrainingJob DeepSeekV3()
    {
        TrainingJob job = Job("deepseek-v3", "H800", 1, 16, 128, batchSequences: 15360, sequence: 4096, tokens: 1.48e13, recompute: RecomputeKind.Selective, failures: true);
        return job with
        {
            Precision = Precision.FP8,
            Fp8Scaling = Fp8Scaling.Block,
            Efficiency = TrainingCalibrations.For(job.Accelerator, Precision.FP8, Fp8Scaling.Block).Efficiency,
            MultiTokenPredictionDepth = 1,
            Plan = job.Plan with { ExpertParallel = 64, ExpertNodeLimit = 4, ExpertOverlap = 1, Schedule = PipelineSchedule.DualPipe },
        };
    }

    private static PublishedTrainingRun MegatronFamily(string size, string model, int tp, int pp, int dp, long batch, double tflops) =>
        new($"Megatron-LM {size} on {tp * pp * dp:N0} A100", Megatron(model, tp, pp, dp, batch), PublishedMetric.HardwareTflopsPerGpu, tflops,
            Fitted: false, PlanPublished: true, $"Narayanan et al. 2021, Table 1 (TP {tp}, PP {pp}, batch {batch:N0}, full recomputation)")
        { CsvRow = Megatron1T };

    /// <summary>A Megatron-LM 2021 configuration: A100, 2,048-token sequences, full recomputation, materialised attention, no sequence parallelism.</summary>
    private static TrainingJob Megatron(string model, int tp, int pp, int dp, long batch) =>
        Job(model, "A100-80GB", tp, pp, dp, batchSequences: batch, sequence: 2048, tokens: 1e9, recompute: RecomputeKind.Full,
            attention: AttentionKernel.Materialized, sequenceParallel: false);

    private static TrainingJob Job(
        string model, string chip, int tp, int pp, int dp, long batchSequences, int sequence, double tokens, RecomputeKind recompute,
        int chunks = 1, int microBatch = 1, int zero = 1, bool failures = false, double pue = 1.1,
        AttentionKernel attention = AttentionKernel.Fused, bool sequenceParallel = true) => new()
    {
        Model = SimCatalog.Default.Models.Get(model),
        Accelerator = SimCatalog.Default.Hardware.Get(chip),
        Plan = new ParallelismPlan
        {
            TensorParallel = tp,
            PipelineParallel = pp,
            DataParallel = dp,
            MicroBatchSize = microBatch,
            ZeroStage = zero,
            Recompute = recompute,
            SequenceParallel = sequenceParallel,
            Schedule = chunks > 1 ? PipelineSchedule.Interleaved : PipelineSchedule.OneForwardOneBackward,
            InterleavedChunks = chunks,
        },
        Tokens = tokens,
        GlobalBatchTokens = batchSequences * (double)sequence,
        SequenceLength = sequence,
        Attention = attention,
        Pue = pue,
        Efficiency = TrainingCalibrations.For(SimCatalog.Default.Hardware.Get(chip), Precision.BF16).Efficiency,
        Failures = failures ? new FailureModel() : FailureModel.None,
    };
}
