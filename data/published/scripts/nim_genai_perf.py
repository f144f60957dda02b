#!/usr/bin/env python3
"""Rebuilds data/published/nim-genai-perf-runs.csv from the NIM measurements published with NVIDIA's LLM-sizing material.

    git clone https://github.com/cfregly/ai-performance-engineering repo   # or its fork wbing520/ai-performance-engineering
    python3 data/published/scripts/nim_genai_perf.py repo > data/published/nim-genai-perf-runs.csv

The file code/ch10_inference/inference_gpu_cluster_sizing/dataset/nim.csv (at commit 0e25b2e2, "Initial commit", 27 April
2025; later commits moved it) holds GenAI-Perf's aggregate export, one row a run, of NIM for LLMs on its TensorRT-LLM
backend: Llama 3 8B and 70B Instruct on A100-SXM4-80GB and H100 80GB HBM3, 1 to 8 GPUs a NIM, FP16, BF16 or FP8 weights,
closed loops of 1 to 250 users (GenAI-Perf --concurrency), fixed synthetic lengths (prompt 200, 2,000 or 7,000 tokens,
output 200 to 2,000 with max_tokens set). Each row becomes a measured-runs row: the means of TTFT, the gap between tokens
(GenAI-Perf's inter_token_latency: (latency - TTFT) / (output - 1) a request) and request latency, the output throughput,
and the lengths the client counted. Stated here, not in the export: the GPU count is taken as the tensor-parallel size of
one NIM (its profiles are named by it), the release is not given (mid-2024 NIM), and the requests a run measured are not
in the export (GenAI-Perf measures until its windows are stable): ten a user are assumed for the replay's steady state.
A run repeated with the same settings keeps both rows (the second named -r2).
"""
import csv
import subprocess
import sys

COMMIT = "0e25b2e236211ad01ed2221bd2c1cfa5b3f47b55"
PATH = "code/ch10_inference/inference_gpu_cluster_sizing/dataset/nim.csv"
MODELS = {"meta-llama3-8b-instruct": ("meta-llama/Meta-Llama-3-8B-Instruct", "llama3-8b"),
          "meta-llama3-70b-instruct": ("meta-llama/Meta-Llama-3-70B-Instruct", "llama3-70b")}
GPUS = {"A100-SXM4-80GB": ("A100-80GB", "a100"), "H100_80GB_HBM3": ("H100-SXM", "h100")}
DTYPES = {"fp16": "FP16", "bf16": "BF16", "fp8": "FP8"}
COLUMNS = ["exp_id", "set", "stage", "workload", "model", "gpu", "tp", "dtype", "sampling", "engine", "engine_version",
           "max_model_len", "arrival", "rate_rps_or_concurrency", "n_requests", "input_len_mean", "output_len_mean",
           "output_len_source", "measured_ttft_mean_ms", "measured_itl_mean_ms", "measured_e2e_mean_ms",
           "measured_throughput_tok_s", "source", "notes"]
SOURCE = (f"NIM for LLMs (TensorRT-LLM backend) measured with GenAI-Perf, dataset/nim.csv of NVIDIA's LLM inference sizing "
          f"material as published in github.com/cfregly/ai-performance-engineering, read from its fork "
          f"wbing520/ai-performance-engineering ({PATH} at {COMMIT[:8]})")


def ms(nanoseconds):
    return f"{float(nanoseconds) / 1e6:.3f}"


def main(repository):
    text = subprocess.run(["git", "-C", repository, "show", f"{COMMIT}:{PATH}"], check=True, capture_output=True, text=True).stdout
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(COLUMNS)
    seen = {}
    for row in csv.DictReader(text.splitlines()):
        model, short = MODELS[row["task_inputs-model"]]
        gpu, chip = GPUS[row["task_inputs-GPU"]]
        tp = int(row["task_inputs-n_gpus"])
        dtype = DTYPES[row["task_inputs-precision"]]
        isl, osl = int(row["input_config-synthetic_input_tokens_mean"]), int(row["input_config-output_tokens_mean"])
        users = int(row["input_config-concurrency"])
        for unit in ("request_latency-unit", "time_to_first_token-unit", "inter_token_latency-unit"):
            assert row[unit] == "ns", (unit, row[unit])
        name = f"nim-{short}-{chip}-tp{tp}-{dtype.lower()}-{isl}-{osl}-c{users}"
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name}-r{seen[name]}"
        out.writerow([
            name, "heldout", "all", f"synthetic {isl}/{osl}", model, gpu, tp, dtype, "", "tensorrt-llm", "", 8192,
            "concurrency", users, max(20, 10 * users),
            f"{float(row['num_input_token-avg']):.2f}", f"{float(row['num_output_token-avg']):.2f}", "measured (GenAI-Perf)",
            ms(row["time_to_first_token-avg"]), ms(row["inter_token_latency-avg"]), ms(row["request_latency-avg"]),
            f"{float(row['output_token_throughput-avg']):.2f}", SOURCE,
            f"NIM {row['task_inputs-execution_type']}, {row['task_inputs-n_gpus']} x {row['task_inputs-GPU']}, "
            f"{row['task_inputs-precision']}, GenAI-Perf --concurrency {users}; requests a run measured not published "
            f"(10 a user assumed); held out (nothing is fitted on these rows)",
        ])


if __name__ == "__main__":
    main(sys.argv[1])
