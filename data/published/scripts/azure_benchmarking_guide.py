#!/usr/bin/env python3
"""Builds two held-out sets from Azure's AI-benchmarking-guide result pages (one harness, three VM types):

    git clone https://github.com/samuel-bohman/AI-benchmarking-guide guide    # a fork of Azure/AI-benchmarking-guide
    python3 data/published/scripts/azure_benchmarking_guide.py guide/Azure_Results \
        data/published/azure-trtllm-bench-runs.csv data/published/azure-mi300x-vllm-runs.csv

The pages (Azure_Results/ND_H100_v5_results.md at a6533f14, ND_H200_v5_results.md at 5e2c4e55, ND_MI300X_v5_results.md
at 3de0c294) give, per model, a table of tensor-parallel size, input and output length and "throughput(tokens/sec)"
for 1,000 requests of fixed lengths in FP8. How each was measured, from the guide's own runners:

- ND H100 v5 and ND H200 v5 (eight H100 or H200 SXM): `Benchmarks/NVIDIA/LLMBenchmark.py` builds each model's engine with
  `trtllm-bench build --quantization FP8 --tp_size N` from TensorRT-LLM v0.15.0 (its dataset: `prepare_dataset.py
  token-norm-dist` with zero deviation, 1,000 requests) and runs `trtllm-bench throughput` on it: every request queued at
  once. The runner builds one engine a model, from the dataset with the largest input + output (2,048/2,048), so every
  row of that model runs with the batch limits trtllm-bench derives for 2,048/2,048 (the replay's TrtllmBenchLimits,
  given the `build_input_tokens` and `build_output_tokens` columns), not its own. Its "Token Throughput" is output
  tokens a second. These rows go to the published-results layout (inference-results-public.csv's),
  which derives those limits itself; the `requests` and `engine_version` columns carry the count and the release.
- ND MI300X v5 (eight MI300X): `Benchmarks/AMD/LLMBenchmark.py` runs vLLM's `benchmark_throughput.py` in ROCm's
  `rocm/vllm-dev:20241121-tuned` image (vLLM's V0 engine of late 2024, replayed as release 0.6.4) with `--quantization fp8
  --kv-cache-dtype fp8 --enable-chunked-prefill false --max-num-batched-tokens 131072 --max-model-len 8192
  --num-scheduler-steps 10` and the `amd/...-FP8-KV` checkpoints, and reads the sixth word of its "Throughput:" line:
  output tokens a second. The runner's max_num_seqs comes from a config entry the published config.json does not hold
  for these models, so vLLM's default (256) is assumed and said in each row. The ten decode steps a schedule go to the
  `num_scheduler_steps` column. These rows go to the measured-runs layout, which takes those server flags.

Every trtllm-bench row is held out. The MI300X Llama 3.1 8B rows are the fit of multi-step scheduling's output-processing
share (VllmMultiStep.OutputProcessingShare, set "fit"); its 70B and 405B rows are held out.
"""

import csv
import os
import re
import sys

REPO = "github.com/samuel-bohman/AI-benchmarking-guide (fork of Azure/AI-benchmarking-guide)"
PAGES = {
    "H100": ("ND_H100_v5_results.md", "a6533f14ab325f14a5ff87666ee92436be22881f", "ND H100 v5 (8x H100 SXM 80GB)"),
    "H200": ("ND_H200_v5_results.md", "5e2c4e5581b534ececa93041d7d67168065fc07b", "ND H200 v5 (8x H200 141GB)"),
    "MI300X": ("ND_MI300X_v5_results.md", "3de0c294fd1059a91a2c158712c4a078619d73e8", "ND MI300X v5 (8x MI300X 192GB)"),
}
# The pages' headings name Llama 3 70B and Llama 3 405B on some VMs; the guide's config runs meta-llama/Llama-3.1-70B and -405B.
MODELS = {"8B": "Llama 3.1 8B", "70B": "Llama 3.1 70B", "405B": "Llama 3.1 405B"}
HF = {"8B": "amd/Llama-3.1-8B-Instruct-FP8-KV", "70B": "amd/Llama-3.1-70B-Instruct-FP8-KV", "405B": "amd/Llama-3.1-405B-Instruct-FP8-KV"}
HEADING = re.compile(r"^###\s+LLAMA\s+3(?:\.1)?\s+\((\d+B)\)", re.IGNORECASE)
ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+(?:\.\d+)?)\s*\|")

PUBLISHED = ["category", "round_or_release", "published", "model", "scenario", "system", "accelerator", "n_accel", "framework",
             "precision", "tp", "load", "input_tokens", "output_tokens", "tokens_per_s", "requests", "engine_version",
             "build_input_tokens", "build_output_tokens", "source", "notes"]
MEASURED = ["exp_id", "set", "stage", "workload", "model", "gpu", "tp", "dtype", "kv_cache_dtype", "sampling", "engine", "engine_version",
            "arrival", "in_process", "n_requests", "max_num_seqs", "max_num_batched_tokens", "num_scheduler_steps", "enable_chunked_prefill", "enable_prefix_caching", "max_model_len", "gpu_mem_util",
            "input_len_mean", "output_len_mean", "measured_throughput_tok_s", "source", "notes"]


def rows(path):
    """(model size, tp, input, output, output tokens/s) for every end-to-end table row of one page."""
    size = None
    for line in open(path, encoding="utf-8"):
        heading = HEADING.match(line.strip())
        if heading:
            size = heading.group(1).upper()
            continue
        row = ROW.match(line.strip())
        if row and size in MODELS:
            tp, isl, osl, tput = row.groups()
            yield size, int(tp), int(isl), int(osl), float(tput)


def main(results, trt_out, vllm_out):
    with open(trt_out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(PUBLISHED)
        for gpu in ("H100", "H200"):
            page, commit, system = PAGES[gpu]
            for size, tp, isl, osl, tput in rows(os.path.join(results, page)):
                w.writerow(["Azure AI-benchmarking-guide (trtllm-bench throughput)", "TensorRT-LLM v0.15.0", "2025", MODELS[size],
                            "Offline max-throughput (infinite request rate)", system, gpu, tp, "TensorRT-LLM (trtllm-bench)", "FP8", tp,
                            "all requests queued at once", isl, osl, f"{tput:g}", 1000, "0.15.0", 2048, 2048,
                            f"{REPO} Azure_Results/{page} at {commit[:8]}; Benchmarks/NVIDIA/LLMBenchmark.py",
                            "one engine a model, built by trtllm-bench build --quantization FP8 from the 2048/2048 dataset (the runner's longest), "
                            "so every row runs with the limits derived for those lengths; 1,000 fixed-length requests a row; "
                            "Token Throughput read as output tokens/s for the TP group"])
    with open(vllm_out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(MEASURED)
        page, commit, system = PAGES["MI300X"]
        for size, tp, isl, osl, tput in rows(os.path.join(results, page)):
            w.writerow([f"azure-mi300x-{size.lower()}-tp{tp}-{isl}-{osl}", "fit" if size == "8B" else "heldout", "all", f"offline {isl}/{osl}, 1000 prompts", HF[size],
                        "MI300X", tp, "FP8", "fp8", "greedy", "vllm", "0.6.4", "offline", "true", 1000, 256, 131072, 10, "false", "false", 8192, 0.9, isl, osl,
                        f"{tput:g}", f"{REPO} Azure_Results/{page} at {commit[:8]}; Benchmarks/AMD/LLMBenchmark.py",
                        f"{system}; rocm/vllm-dev:20241121-tuned (vLLM V0, replayed as 0.6.4); benchmark_throughput.py with "
                        "--num-scheduler-steps 10; max_num_seqs not published: vLLM's default 256 assumed"])


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: azure_benchmarking_guide.py RESULTS_DIR TRT_OUT.csv VLLM_OUT.csv")
    main(*sys.argv[1:])
