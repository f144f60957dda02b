#!/usr/bin/env python3
"""Writes data/published/mi300x-vllm-amd-runs.csv: AMD's published vLLM 0.10.2 rows on eight MI300X
(data/published/mi300x-vllm-amd.csv) in the measured-runs layout, so `clustersim replay` and `clustersim calibrate` take
them as they take every other measured set.

    python3 data/published/scripts/mi300x_vllm_amd_runs.py data/published/mi300x-vllm-amd.csv > data/published/mi300x-vllm-amd-runs.csv

An offline throughput row becomes every prompt queued at once with max_num_seqs as published (the prompt count) and
vLLM 0.10.2's own token budget and chunked prefill; a latency row (vLLM's benchmark_latency: a batch of prompts run to
completion) the same with the batch as its prompts and its end-to-end mean the published batch latency. Oracle's rows
name no release and are left out (the source file keeps them as cross-checks). `set` keeps the source's role: "fit" for
the rows cdna3-vllm/fp8 was fitted on, "heldout" for the rest.
"""

import csv
import sys

COLUMNS = ["exp_id", "set", "stage", "workload", "model", "gpu", "tp", "dtype", "kv_cache_dtype", "sampling", "engine", "engine_version",
           "arrival", "in_process", "n_requests", "max_num_seqs", "enable_prefix_caching", "input_len_mean", "output_len_mean",
           "measured_e2e_mean_ms", "measured_throughput_tok_s", "source", "notes"]
HF = {"llama-3.1-70b": "amd/Llama-3.1-70B-Instruct-FP8-KV", "llama-3.1-405b": "amd/Llama-3.1-405B-Instruct-FP8-KV"}


def main(path):
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(COLUMNS)
    source = None
    for r in csv.DictReader(open(path, encoding="utf-8")):
        if "0.10.2" not in r["engine"]:
            continue
        source = r["source"] if r["source"] not in ("same page", "same") and not r["source"].startswith("same page (") else source
        size = r["model"].split("-")[-1]
        isl, osl, n = int(r["input_tokens"]), int(r["output_tokens"]), int(r["batch_or_prompts"])
        latency = r["scenario"] == "latency"
        kind = f"b{n}" if latency else f"p{n}"
        w.writerow([f"amd-{size}-tp8-{isl}-{osl}-{kind}", "fit" if r["role"] == "fit" else "heldout", "all",
                    f"{'batch latency' if latency else 'offline'} {isl}/{osl}, {n} prompts", HF[r["model"]], "MI300X", 8, "FP8", "fp8",
                    "greedy", "vllm", "0.10.2", "offline", "true", n, 256 if latency else int(r["max_num_seqs"]), "false", isl, osl,
                    f"{float(r['value']) * 1000:g}" if latency else "", "" if latency else r["value"],
                    source, f"from data/published/mi300x-vllm-amd.csv ({r['role']}); {r['notes']}"])


if __name__ == "__main__":
    main(sys.argv[1])
