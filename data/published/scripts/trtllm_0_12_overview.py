#!/usr/bin/env python3
"""Rebuilds data/published/trtllm-0.12-overview-runs.csv from TensorRT-LLM 0.12.0's performance overview.

    git clone https://github.com/NVIDIA/TensorRT-LLM repo
    git -C repo show v0.12.0:docs/source/performance/perf-overview.md > perf-overview.md
    git -C repo show v0.12.0:tensorrt_llm/bench/build/benchmark_config.yml > benchmark_config.yml
    python3 data/published/scripts/trtllm_0_12_overview.py perf-overview.md benchmark_config.yml \
        > data/published/trtllm-0.12-overview-runs.csv

The overview's throughput table ("All data in the table below was generated using version 0.12.0 and presents token
throughput in tokens/second") gives trtllm-bench's offline in-flight-batching throughput: every request of a synthetic
dataset of fixed lengths (input and output standard deviation 0) queued at once, the number of requests by lengths in the
overview's own table, engines built with `trtllm-bench build --dataset` (FP8 engines store an FP8 KV cache too; "Mixed" is
read as FP16 weights and KV cache), the KV cache given 99 % of free memory (the overview's sample output), the
guaranteed-no-evict scheduler. trtllm-bench's throughput is output tokens a second (its sample: 182.86 requests/s x 128
output tokens = 23,406 tokens/s). The build takes max_batch_size and max_num_tokens from benchmark_config.yml by model,
TP and sequence length (the overview's sample, Llama-2-7b at TP 1: 4,096 and 8,192, matches the file); a model and TP the
file does not list get no limits here, and the replay says what it filled in. GPT-J 6B and Falcon 180B (not in the model
catalog) and the GH200 120GB column (its memory is not in the hardware catalog) are left out and counted on stderr. The
three H100 and three A100 FP16 2,048/128 rows are marked fit: hopper-trtllm/bf16's and ampere-trtllm/bf16's GEMM
efficiencies were fitted on them.
"""

import csv
import re
import sys

SOURCE = ("TensorRT-LLM performance overview of release 0.12.0 (docs/source/performance/perf-overview.md, "
          "github.com/NVIDIA/TensorRT-LLM; trtllm-bench throughput, offline in-flight batching, output tokens/s); engine "
          "limits from tensorrt_llm/bench/build/benchmark_config.yml")
MODELS = {"LLaMA v2 7B": ("meta-llama/Llama-2-7b-hf", "llama2-7b"), "LLaMA v3 8B": ("meta-llama/Meta-Llama-3-8B", "llama3-8b"),
          "Mistral 7B": ("mistralai/Mistral-7B-v0.1", "mistral-7b"), "Mixtral 8x7B": ("mistralai/Mixtral-8x7B-v0.1", "mixtral-8x7b"),
          "LLaMA v3 70B": ("meta-llama/Meta-Llama-3-70B", "llama3-70b"), "LLaMA v2 70B": ("meta-llama/Llama-2-70b-hf", "llama2-70b")}
GPUS = {"H200 141GB HBM3": ("H200", "h200"), "H100 80GB HBM3": ("H100-SXM", "h100"), "A100-SXM4-80GB": ("A100-80GB", "a100"),
        "L40S": ("L40S", "l40s")}
# hopper-trtllm/bf16's and ampere-trtllm/bf16's GEMM efficiencies are fitted on these (prefill-bound) rows; every other row
# is held out.
FIT = {f"trt012-{model}-{chip}-tp1-fp16-2048-128" for model in ("llama2-7b", "llama3-8b", "mistral-7b") for chip in ("h100", "a100")}
COLUMNS = ["exp_id", "set", "stage", "workload", "model", "gpu", "tp", "dtype", "kv_cache_dtype", "sampling", "engine",
           "engine_version", "arrival", "in_process", "n_requests", "max_num_seqs", "max_num_batched_tokens", "gpu_mem_util",
           "input_len_mean", "output_len_mean", "output_len_source", "measured_throughput_tok_s", "source", "notes"]


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def limits(path):
    """benchmark_config.yml as {model: {tp: {key: (max_batch_size, max_num_tokens)}}}; key 'general' or a sequence length."""
    table, model, tp, key = {}, None, None, None
    for raw in open(path, encoding="utf-8"):
        line = raw.rstrip()
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip())) // 2
        name, _, value = line.strip().partition(":")
        if depth == 0:
            model = name
            table[model] = {}
        elif depth == 1:
            tp = int(re.match(r"tp(\d+)_pp1", name).group(1))
            table[model][tp] = {}
        elif depth == 2:
            key = name
            table[model][tp][key] = [None, None]
        elif name == "max_batch_size":
            table[model][tp][key][0] = int(value)
        elif name == "max_num_tokens":
            table[model][tp][key][1] = int(value)
    return table


def main(overview, config):
    text = open(overview, encoding="utf-8").read().splitlines()
    engine_limits = limits(config)
    header = next(i for i, line in enumerate(text) if "**GPU**" in line)
    gpus = cells(text[header])[3:]
    precisions = cells(text[header + 1])[3:]
    requests = {}
    for line in text:
        c = cells(line)
        if len(c) == 4 and c[0].isdigit() and c[1].isdigit():
            requests[(int(c[0]), int(c[1]))] = (int(c[2]), int(c[3]))
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(COLUMNS)
    left = {}
    model_name, lengths = None, None
    for line in text[header + 3:]:
        if not line.startswith("|"):
            break
        c = cells(line)
        if c[0]:
            model_name = c[0]
        if c[1]:
            lengths = tuple(int(x) for x in c[1].split("/"))
        tp = int(c[2])
        for gpu, precision, value in zip(gpus, precisions, c[3:]):
            if not value:
                continue
            if model_name not in MODELS or gpu not in GPUS:
                what = model_name if model_name not in MODELS else gpu
                left[what] = left.get(what, 0) + 1
                continue
            model, short = MODELS[model_name]
            catalog_gpu, chip = GPUS[gpu]
            fp8 = precision == "FP8"
            isl, osl = lengths
            seq_len, n = requests[lengths]
            by_tp = engine_limits.get(model, {}).get(tp, {})
            batch, budget = by_tp.get(str(seq_len), by_tp.get("general", [None, None]))
            name = f"trt012-{short}-{chip}-tp{tp}-{'fp8' if fp8 else 'fp16'}-{isl}-{osl}"
            note = (f"TensorRT-LLM 0.12.0, {tp} x {gpu}, {precision}, {isl}/{osl}, {n} requests at once; "
                    + (f"engine limits {batch}/{budget} (benchmark_config.yml)" if batch else "engine limits not in benchmark_config.yml")
                    + (f"; fit ({'hopper' if chip == 'h100' else 'ampere'}-trtllm/bf16's GEMM efficiency)" if name in FIT else "; held out"))
            out.writerow([name, "fit" if name in FIT else "heldout", "all", f"offline {isl}/{osl}", model, catalog_gpu, tp, "FP8" if fp8 else "FP16",
                          "fp8" if fp8 else "", "greedy", "tensorrt-llm", "0.12.0", "offline", "true", n, batch or "", budget or "",
                          "0.99", isl, osl, "configured (fixed lengths)", value, SOURCE, note])
    for what, count in sorted(left.items()):
        print(f"left out: {count} rows of {what}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
