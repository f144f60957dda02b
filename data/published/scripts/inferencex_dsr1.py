#!/usr/bin/env python3
"""Rebuilds data/published/inferencex-dsr1-runs.csv from InferenceX's published DeepSeek-R1 FP8 and FP4 runs.

    git clone https://github.com/vngcloud/InferenceX-app app    # a fork of SemiAnalysisAI/InferenceX-app
    git -C app show 528c4146b8f502fcbce8df7870a935a970cbae25:packages/app/cypress/fixtures/api/benchmarks.json > benchmarks.json
    python3 data/published/scripts/inferencex_dsr1.py benchmarks.json > data/published/inferencex-dsr1-runs.csv

InferenceX (SemiAnalysis, github.com/SemiAnalysisAI/InferenceX) benchmarks serving engines on one node in CI and
publishes each run's aggregate metrics through its dashboard's API; the dashboard's test fixture `benchmarks.json` is a
snapshot of that API (435 runs, each with the GitHub Actions run that measured it). This keeps DeepSeek-R1-0528 in FP8
(and in FP4 on B200, B300 and MI355X: NVFP4 and MXFP4 checkpoints, replayed as 4-bit weights with an FP8 KV cache) on
one node without speculative decoding or disaggregation (the replay models tensor parallelism, expert parallelism inside
the tensor-parallel group: the `ep` column, and attention data parallelism over that group: `dp_attention`, here `balanced`
since InferenceX's launch scripts turn on TensorRT-LLM's `attention_dp_config.enable_balance`; those runs give each
rank's batch limits, as `enable_attention_dp` takes them), on GPUs the hardware catalog holds (B300, an HGX node of Blackwell Ultra, runs as the catalog's GB300 row, whose alias it
is: the same GPU; AMD's ATOM engine is not modelled), and counts what it leaves out on stderr.

How each run was measured, from InferenceX's `benchmarks/benchmark_lib.sh` and `.github/workflows/benchmark-tmpl.yml`:
its copy of vLLM's `benchmark_serving.py` with the random dataset (`--random-range-ratio 0.8`: each prompt and output
length uniform on [floor(0.8 L), L] for the configured L), `--ignore-eos`, `--request-rate inf`, `--max-concurrency
CONC` (a closed loop of CONC users) and `--num-prompts 10 x CONC`, after 2 x CONC warm-up requests. Mean TTFT, TPOT
and end-to-end latency are the client's; TPOT is recorded as the ITL column (the client's per-request TPOT, which the
replay scores per request when lengths are ranges). Output throughput is the run's output tokens per GPU times its TP GPUs
where the API gives it, otherwise its total tokens per GPU times the GPUs times OSL / (ISL + OSL) (both lengths come
from the same range ratio, so their means keep that ratio); the note says which. The median and 99th-percentile TTFT and
the 99th-percentile end-to-end latency are the client's too: a few slow first tokens (the p99 is often 5-10 times the
median) can set the mean TTFT, so the median is kept beside it.

Server flags are those of InferenceX's launch scripts (`benchmarks/single_node/fixed_seq_len/dsr1_fp8_*.sh`; B300's script sets B200's limits) at its
commit 843c6254 (22 August 2026), later than most runs: a run's flags at its own date may differ. SGLang: chunked-prefill
size, static memory fraction, running-request cap, radix cache; TensorRT-LLM (`trtllm-serve`, PyTorch backend):
max_num_tokens = max(8192, CONC + ISL + 64 rounded up to 64); the KV cache's share of the memory the weights leave
(free_gpu_memory_fraction) is in the note, not in gpu_mem_util, which is a share of the whole GPU. The release is the
container image's tag where the API records one. Every row is held out: nothing is fitted on them.
"""

import csv
import json
import re
import sys

SOURCE = ("InferenceX by SemiAnalysis (github.com/SemiAnalysisAI/InferenceX; dashboard API snapshot "
          "packages/app/cypress/fixtures/api/benchmarks.json of SemiAnalysisAI/InferenceX-app, read from its fork "
          "vngcloud/InferenceX-app at 528c4146); server flags from InferenceX's benchmarks/single_node/fixed_seq_len "
          "scripts at 843c6254")
GPUS = {"h200": "H200", "b200": "B200", "b300": "B300", "mi300x": "MI300X", "mi325x": "MI325X", "mi355x": "MI355X"}
ENGINES = {"sglang": "sglang", "trt": "tensorrt-llm"}
RANGE_RATIO = 0.8
COLUMNS = ["exp_id", "set", "stage", "workload", "model", "gpu", "tp", "ep", "dp_attention", "dtype", "kv_cache_dtype", "sampling", "engine",
           "engine_version", "arrival", "rate_rps_or_concurrency", "n_requests", "max_num_seqs", "max_num_batched_tokens",
           "gpu_mem_util", "enable_prefix_caching", "scheduler_recv_interval", "input_len_mean", "input_len_min", "input_len_max", "output_len_mean",
           "output_len_min", "output_len_max", "output_len_source", "measured_ttft_mean_ms", "measured_ttft_p50_ms",
           "measured_ttft_p99_ms", "measured_itl_mean_ms", "measured_e2e_mean_ms", "measured_e2e_p99_ms",
           "measured_throughput_tok_s", "source", "notes"]


def server(gpu, engine, tp, isl, osl, conc, precision):
    """The launch script's limits: (max_num_seqs, max_num_batched_tokens, gpu_mem_util, prefix caching, note)."""
    if precision == "fp4" and engine == "sglang":
        if gpu in ("B200", "B300"):
            return 256, 16384, 0.85, "false", "sglang --quantization modelopt_fp4 --max-running-requests 256 --chunked-prefill-size 16384 --mem-fraction-static 0.85 (radix cache forced to miss)"
        if gpu == "MI355X":
            chunk = 32768 if (isl, osl) == (8192, 1024) and conc > 32 else 196608
            return "", chunk, 0.8, "", f"sglang --chunked-prefill-size {chunk} --mem-fraction-static 0.8 (running requests: SGLang's default)"
    if engine == "tensorrt-llm":
        tokens = max(8192, (conc + isl + 64 + 63) // 64 * 64)
        share = 0.75 if gpu == "H200" else (0.75 if conc >= 64 else 0.8)
        # free_gpu_memory_fraction is a share of the memory the weights leave, not of the whole GPU (gpu_mem_util): left to
        # the replay's TensorRT-LLM reserve, and said in the note.
        return "", tokens, "", "false", f"trtllm-serve max_num_tokens {tokens}, KV cache {share} of free memory (not given as gpu_mem_util)"
    if gpu == "H200":
        seqs = 512 if (isl, osl) == (1024, 1024) else 256
        return seqs, 32768, 0.82, "false", f"sglang --max-running-requests {seqs} --chunked-prefill-size 32768 --mem-fraction-static 0.82 --disable-radix-cache"
    if gpu in ("B200", "B300"):
        seqs, chunk, mem = (128, 32768, 0.82) if tp == 8 else (32, 8192, 0.95)
        return seqs, chunk, mem, "", f"sglang --max-running-requests {seqs} --chunked-prefill-size {chunk} --mem-fraction-static {mem}"
    if gpu in ("MI300X", "MI325X"):
        return "", 131072, 0.8, "", "sglang --chunked-prefill-size 131072 --mem-fraction-static 0.8 (running requests: SGLang's default)"
    if gpu == "MI355X":
        return "", 196608, 0.8, "false", "sglang --chunked-prefill-size 196608 --mem-fraction-static 0.8 --disable-radix-cache (running requests: SGLang's default)"
    raise ValueError(gpu)


def release(image):
    if not image:
        return ""
    m = re.search(r"sglang:v(\d+\.\d+\.\d+)", image) or re.search(r"tensorrt-llm/release:([\w.]+)", image)
    return m.group(1) if m else ""


def recv_interval(gpu, engine, tp, conc, precision, dpa):
    """SGLang's --scheduler-recv-interval in the B200 and B300 launch scripts (decode steps between reads of new requests):
    10, or 30 from 16 users (TP 8 and FP4), 10 at TP 4 in FP8, 1 with attention data-parallel; the other GPUs' scripts
    leave SGLang's default (1, every step), and TensorRT-LLM has no such flag: empty."""
    if engine != "sglang" or gpu not in ("B200", "B300"):
        return ""
    if dpa:
        return 1
    if precision == "fp8" and tp == 4:
        return 10
    return 30 if conc >= 16 else 10


def main(path):
    runs = json.load(open(path))
    left_out = {}
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(COLUMNS)
    rows = []
    for r in runs:
        why = None
        if r["model"] != "dsr1" or r["precision"] not in ("fp8", "fp4"):
            why = f"{r['model']} {r['precision']}"
        elif r["disagg"] or r["is_multinode"]:
            why = "disaggregated or multi-node"
        elif r["spec_method"] != "none":
            why = "speculative decoding"
        elif r["hardware"] not in GPUS or r["framework"] not in ENGINES:
            why = f"{r['hardware']} {r['framework']} not modelled"
        if why:
            left_out[why] = left_out.get(why, 0) + 1
            continue
        gpu, engine = GPUS[r["hardware"]], ENGINES[r["framework"]]
        tp, isl, osl, conc = r["decode_tp"], r["isl"], r["osl"], r["conc"]
        m = r["metrics"]
        # One node, one replica of TP GPUs; the API's num_decode_gpu reads TP x EP when EP > 1 (64 for TP 8 EP 8), while its
        # per-GPU throughput is per the TP GPUs (TP 8 EP 8 at one user: 20.7 output tokens/s a GPU x 8 = 1 / 5.9 ms TPOT).
        gpus = tp
        if m.get("output_tput_per_gpu"):
            tput, how = m["output_tput_per_gpu"] * gpus, "output tokens per GPU"
        else:
            tput, how = m["tput_per_gpu"] * gpus * osl / (isl + osl), "total tokens per GPU x OSL/(ISL+OSL)"
        precision = r["precision"]
        if precision == "fp4" and gpu not in ("B200", "B300", "MI355X"):
            left_out[f"fp4 on {gpu}"] = left_out.get(f"fp4 on {gpu}", 0) + 1
            continue
        seqs, tokens, mem, prefix, flags = server(gpu, engine, tp, isl, osl, conc, precision)
        version = release(r.get("image"))
        ilo, olo = int(isl * RANGE_RATIO), int(osl * RANGE_RATIO)
        ep = r["decode_ep"]
        dpa = r["decode_dp_attention"]
        recv = recv_interval(gpu, engine, tp, conc, precision, dpa)
        if recv != "":
            flags += f" --scheduler-recv-interval {recv}"
        exp = f"ix-dsr1-{r['hardware']}-{r['framework']}-tp{tp}{f'-ep{ep}' if ep > 1 else ''}{'-dpa' if dpa else ''}-{precision}-{isl // 1024}k{osl // 1024}k-c{conc}"
        notes = (f"InferenceX run of {r['date']} ({r['run_url']}); {gpus} x {gpu}, TP {tp}{f', EP {ep}' if ep > 1 else ''}{', attention data-parallel, balanced (limits per rank)' if dpa else ''}, image {r.get('image') or 'not recorded'}; "
                 f"{flags}; {conc} users, {10 * conc} prompts; throughput from {how}; held out")
        rows.append([exp, "heldout", "all", f"random {isl}/{osl} x0.8, {conc} users", "deepseek-ai/DeepSeek-R1-0528", gpu, tp, ep, "balanced" if dpa else "",
                     precision.upper(), "fp8", "greedy", engine, version, "concurrency", conc, 10 * conc, seqs, tokens, mem, prefix, recv,
                     (ilo + isl) / 2, ilo, isl, (olo + osl) / 2, olo, osl, "configured (--ignore-eos)",
                     f"{m['mean_ttft'] * 1000:.1f}", f"{m['median_ttft'] * 1000:.1f}", f"{m['p99_ttft'] * 1000:.1f}",
                     f"{m['mean_tpot'] * 1000:.3f}", f"{m['mean_e2el'] * 1000:.0f}", f"{m['p99_e2el'] * 1000:.0f}",
                     f"{tput:.1f}", SOURCE, notes])
    write(out, rows, lambda x: (x[5], x[10], x[6], x[0]), left_out)


def write(out, rows, key, left_out):
    """Writes the rows in the order of key, each run once (a repeated id is said and left out), then what was left out and why."""
    seen = set()
    for row in sorted(rows, key=key):
        if row[0] in seen:
            print(f"duplicate run {row[0]} left out", file=sys.stderr)
            continue
        seen.add(row[0])
        out.writerow(row)
    for why, n in sorted(left_out.items()):
        print(f"left out {n}: {why}", file=sys.stderr)
    print(f"kept {len(seen)}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
