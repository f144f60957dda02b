#!/usr/bin/env python3
"""Rebuilds data/published/trtllm-0.9-static-runs.csv from the TensorRT-LLM 0.9.0 measurements of NVIDIA's LLM-sizing material.

    git clone https://github.com/cfregly/ai-performance-engineering repo   # or its fork wbing520/ai-performance-engineering
    python3 data/published/scripts/trtllm_0_9_static.py repo > data/published/trtllm-0.9-static-runs.csv

The file code/ch11_inference/inference_gpu_cluster_sizing/dataset/trt_llm_0_9_0_dli.csv (at commit 5a4d0c37, 31 May 2025)
holds 3,449 runs of TensorRT-LLM 0.9.0's static-batch benchmark: a batch of equal requests (prompt and output lengths of
128 to 2,048) generated together, on H100 SXM, H100 NVL, H200, GH200, A100 SXM 80GB, L40S and L40, FP8 or FP16 ("Mixed"),
TP 1 to 8, with the paged KV cache sized to hold the batch. Each run becomes a measured-runs row: all requests at once, the
batch as the running-sequence limit and its prompts as the token budget of one step (the batch prefills together, as a
static batch does), the first-token latency as TTFT, the token-to-token latency as ITL, the batch's latency as E2E and
B x output / latency as the output throughput. The Mixtral 8x7B runs are marked collapsed_routing: their router sent every
token to the same experts, as an engine built with dummy weights does (the time per token barely grows from batch 1 to 16,
6.3 to 7.8 ms on two H100s, where reading the experts that 16 tokens spread over would take twice as long, and prefill
is as fast as two experts' weights allow). FP8 runs are taken to keep the KV cache in FP8 too (TensorRT-LLM's FP8
recipe then), an assumption the file does not state. Left out, with the count printed to standard error: GH200 120GB (not
in the catalog: its 96 GB variant is), GPT-J 6B and Falcon 180B (not in the model catalog), and runs the file records no
latency for (failed or out of memory).
"""
import collections
import csv
import subprocess
import sys

COMMIT = "5a4d0c37a3231b2ff8a268df7f129be259c48a48"
PATH = "code/ch11_inference/inference_gpu_cluster_sizing/dataset/trt_llm_0_9_0_dli.csv"
GPUS = {"H100 80GB HBM3": ("H100-SXM", "h100"), "H200 141GB HBM3": ("H200", "h200"), "H100 NVL": ("H100-NVL", "h100nvl"),
        "A100-SXM4-80GB": ("A100-80GB", "a100"), "L40S": ("L40S", "l40s"), "L40": ("L40", "l40")}
MODELS = {"LLaMA v2 7B": ("meta-llama/Llama-2-7b-hf", "llama2-7b"), "LLaMA v2 13B": ("meta-llama/Llama-2-13b-hf", "llama2-13b"),
          "LLaMA v2 70B": ("meta-llama/Llama-2-70b-hf", "llama2-70b"), "Mistral 7B": ("mistralai/Mistral-7B-v0.1", "mistral-7b"),
          "Mixtral 8x7B": ("mistralai/Mixtral-8x7B-v0.1", "mixtral-8x7b")}
COLUMNS = ["exp_id", "set", "stage", "workload", "model", "gpu", "tp", "collapsed_routing", "custom_all_reduce", "dtype", "kv_cache_dtype", "sampling", "engine",
           "engine_version", "arrival", "in_process", "n_requests", "max_num_seqs", "max_num_batched_tokens", "input_len_mean",
           "output_len_mean", "output_len_source", "measured_ttft_mean_ms", "measured_itl_mean_ms", "measured_e2e_mean_ms",
           "measured_throughput_tok_s", "source", "notes"]
SOURCE = (f"TensorRT-LLM 0.9.0 static-batch benchmark runs, dataset/trt_llm_0_9_0_dli.csv of NVIDIA's LLM inference sizing "
          f"material as published in github.com/cfregly/ai-performance-engineering, read from its fork "
          f"wbing520/ai-performance-engineering ({PATH} at {COMMIT[:8]})")


def main(repository):
    text = subprocess.run(["git", "-C", repository, "show", f"{COMMIT}:{PATH}"], check=True, capture_output=True, text=True).stdout
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(COLUMNS)
    seen, left = collections.Counter(), collections.Counter()
    for row in csv.DictReader(text.splitlines()):
        if row["GPU"] not in GPUS or row["Model"] not in MODELS or row["Pipeline Model Parallel Size"] != "1":
            left[(row["GPU"] if row["GPU"] not in GPUS else row["Model"])] += 1
            continue
        if not row["Latency (ms)"] or not row["1st Token Latency (ms)"] or not row["Token-to-token Latency (ms)"]:
            left["runs without a measurement (failed or out of memory)"] += 1
            continue
        gpu, chip = GPUS[row["GPU"]]
        model, short = MODELS[row["Model"]]
        tp, batch = int(row["Tensor Model Parallel Size"]), int(row["Batch Size"])
        isl, osl = (int(x) for x in row["Input/Output Lengths"].split(","))
        fp8 = row["Precision"] == "FP8"
        name = f"trt09-{short}-{chip}-tp{tp}-{'fp8' if fp8 else 'fp16'}-{isl}-{osl}-b{batch}"
        seen[name] += 1
        if seen[name] > 1:
            name = f"{name}-r{seen[name]}"
        out.writerow([
            name, "heldout", "all", f"static {isl}/{osl}", model, gpu, tp, "true" if short == "mixtral-8x7b" else "",
            "false" if row["Enable Custom All Reduce"] == "No" else "", "FP8" if fp8 else "FP16", "fp8" if fp8 else "",
            "greedy", "tensorrt-llm", "0.9.0", "offline", "true", batch, batch, batch * isl, isl, osl, "configured (static batch)",
            row["1st Token Latency (ms)"], row["Token-to-token Latency (ms)"], row["Latency (ms)"],
            f"{batch * osl / (float(row['Latency (ms)']) / 1e3):.2f}", SOURCE,
            f"TensorRT-LLM 0.9.0, {row['Number of GPUs']} x {row['GPU']}, {row['Precision']}, batch {batch}, "
            f"{isl}/{osl}; XQA {row['Enable XQA']}, custom all-reduce {row['Enable Custom All Reduce']}; held out",
        ])
    for what, count in sorted(left.items()):
        print(f"left out: {count} runs of {what}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
