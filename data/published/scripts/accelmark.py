#!/usr/bin/env python3
"""Builds data/published/accelmark-vllm-runs.csv from AccelMark's verified results (one harness, many GPUs):

    git clone https://github.com/FreedomIntelligence/AccelMark accelmark      # read at 5797fc4 (19 May 2026)
    python3 data/published/scripts/accelmark.py accelmark data/published/accelmark-vllm-runs.csv

AccelMark (FreedomIntelligence) runs the same suites on every submitted accelerator with one reference runner and keeps
each run's result.json under results/verified/<chip>x<count>_suite_<S>_<runner>_<id>/<scenario>/. Read from its own
code at that commit:

- Suite A: meta-llama/Meta-Llama-3-8B-Instruct in BF16 on one chip, max_model_len 4,096, greedy (temperature 0),
  max_tokens 512 without ignore_eos, so each answer ends where the model stops; prompts from
  datasets/sharegpt_standard_v1/requests.jsonl (the first 150 for the interactive scenario, 300 online, 100 for the
  sustained loop, cycled), each wrapped in the tokenizer's chat template (runners/benchmark_runner.py format_prompt):
  ten more tokens, which the offline runs' published input counts confirm (255 a request against the file's 245.4).
- The runner (runners/nvidia_vllm_47f5d58e: vLLM 0.7.3, the V0 engine; nvidia_vllm020_0f6c56e4: vLLM 0.20.1) builds
  `AsyncLLMEngine.from_engine_args(AsyncEngineArgs(model, dtype, tensor_parallel_size, gpu_memory_utilization=0.9,
  max_model_len))` in the load generator's own process and streams each request from it: no HTTP server, and no batch
  limits given (max_num_seqs from the runner config goes to the offline LLM class only), so the engine keeps its
  usage context's defaults: `vllm_entry` engine, `in_process` true.
- interactive: one request at a time, 150 requests, three runs pooled: TTFT and TPOT percentiles, TPOT = (E2E - TTFT) /
  (output - 1) a request (loadgen/loadgen.py).
- online: Poisson arrivals at 5, 25 and 100 requests a second, 300 requests a run, three runs pooled.
- sustained: a closed loop of 8 for 30 minutes, sampled each minute after a 2-minute warm-up: output tokens a second
  (the mean of the samples) and the samples' median TTFT (the median of the per-minute medians is given as the median);
  the replay starts its users over one request's measured duration (`ramp_s`), the steady state the samples measure.
  Its output tokens over its completed requests give the mean answer length (345-351 tokens, by GPU), used for every
  row of that run.

Kept: the accelerators the catalog holds (H100 SXM, H200, A100 40GB and 80GB SXM, L4). Left out: the offline scenario
(all 100 requests at once: its time is set by the longest answers, whose lengths are not published), suite F (Qwen2.5
0.5B: the host's Python, not the GPU, sets every figure there: an H200 runs it 2.3 times slower than an H100),
accelerators the catalog does not hold (RTX 3090/4090/5090/6000 Ada/A6000, A800, H20-3e, V100S, T4 in suite A
only; Ascend 910, TPU v6e, which other runners measured), and multi-chip suites.
"""

import csv
import json
import os
import statistics
import subprocess
import sys

REPO = "github.com/FreedomIntelligence/AccelMark"
COMMIT = "5797fc4"
CHIPS = {
    "NVIDIA H100 80GB HBM3": "H100-SXM",
    "NVIDIA H200": "H200",
    "NVIDIA A100-SXM4-40GB": "A100-40GB",
    "NVIDIA A100-SXM4-80GB": "A100-80GB",
    "NVIDIA L4": "L4",
}
TEMPLATE_TOKENS = 10   # Llama 3 Instruct's chat template around one user message, with the generation prompt
SUITES = ["A", "B", "C", "G"]
SHORT = {"meta-llama/Meta-Llama-3-8B-Instruct": "llama3-8b", "meta-llama/Meta-Llama-3-70B-Instruct": "llama3-70b",
         "meta-llama/Llama-3.1-8B-Instruct": "llama31-8b", "mistralai/Mixtral-8x7B-Instruct-v0.1": "mixtral-8x7b"}
COLUMNS = ["exp_id", "stage", "set", "model", "gpu", "tp", "dtype", "sampling", "engine", "engine_version", "vllm_entry",
           "in_process", "gpu_mem_util", "max_model_len", "arrival", "rate_rps_or_concurrency", "n_requests", "ramp_s",
           "input_len_mean", "output_len_mean", "output_len_source",
           "measured_ttft_p50_ms", "measured_ttft_p90_ms", "measured_ttft_p99_ms",
           "measured_tpot_p50_ms", "measured_tpot_p90_ms", "measured_tpot_p99_ms",
           "measured_throughput_tok_s", "host_cpu", "source", "notes"]


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True, check=True).stdout


def load(repo, path):
    return json.loads(git(repo, "show", f"HEAD:{path}"))


def prompts(repo):
    text = git(repo, "show", "HEAD:datasets/sharegpt_standard_v1/requests.jsonl")
    return [json.loads(line)["input_tokens"] for line in text.split("\n") if line.strip()]


def prompt_offset(repo, suite_id, inputs):
    """Tokens the chat template (and the model's tokenizer) add to a prompt of the file's count: Llama 3's template for
    suites A and B; for Llama 3.1 (suite C, whose template adds a system header with dates) and Mixtral (suite G, its own
    tokenizer) the first offline run that publishes its input tokens (total less output throughput, times its time,
    over its requests) less the file's count for those requests."""
    if suite_id in ("A", "B"):
        return TEMPLATE_TOKENS
    suite = load(repo, f"suites/suite_{suite_id}/suite.json")
    for path in git(repo, "ls-tree", "-r", "--name-only", "HEAD", "results/verified").split():
        # Suite C's formats share the BF16 prompts; its quantised checkpoints' tokenizers are the same.
        wanted = f"_suite_{suite_id}_" in path and path.endswith("/offline/result.json")
        if wanted and (suite_id != "C" or "/bf16/" in path):
            for level in load(repo, path)["metrics"]["offline"]["results_by_concurrency"]:
                if level.get("throughput_tokens_per_sec_total"):
                    count = suite["request_count"]
                    measured = (level["throughput_tokens_per_sec_total"] - level["throughput_tokens_per_sec"]) * level["elapsed_seconds_median"] / count
                    return round(measured - statistics.mean(inputs[:count]), 1)
    raise SystemExit(f"no offline run of suite {suite_id} publishes its input tokens")


def main(repo, out_path):
    inputs = prompts(repo)
    rows = []
    for suite_id in SUITES:
        collect(repo, suite_id, inputs, prompt_offset(repo, suite_id, inputs), rows)
    with open(out_path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    print(f"{len(rows)} rows -> {out_path}", file=sys.stderr)


def collect(repo, suite_id, inputs, offset, rows):
    suite = load(repo, f"suites/suite_{suite_id}/suite.json")
    runs = sorted({p.split("/")[2] for p in git(repo, "ls-tree", "-r", "--name-only", "HEAD", "results/verified").split()
                   if f"_suite_{suite_id}_" in p and p.count("/") >= 3})
    for run in runs:
        if suite_id == "C" and "_vllm020_" in run:
            continue   # its runner config turns CUDA graphs off for suite C (enforce_eager), which the step model does not time
        listed = git(repo, "ls-tree", "-r", "--name-only", "HEAD", f"results/verified/{run}").split()
        # Suite C keeps one directory a weight format (bf16, fp8, w8a8, w8a16, w4a16), each with its own scenarios.
        variants = sorted({p.split("/")[3] for p in listed if p.count("/") >= 5}) if suite_id == "C" else [""]
        for variant in variants:
            collect_run(repo, suite_id, suite, run, variant, inputs, offset, rows)


def collect_run(repo, suite_id, suite, run, variant, inputs, offset, rows):
    base = f"results/verified/{run}" + (f"/{variant}" if variant else "")
    files = git(repo, "ls-tree", "-r", "--name-only", "HEAD", base).split()
    if f"{base}/sustained/result.json" not in files:
        return
    sustained = load(repo, f"{base}/sustained/result.json")
    chip = sustained["chip"]["name"]
    tp = sustained["task"]["parallelism"]["tensor_parallel_size"]
    if chip not in CHIPS or sustained["chip"]["count"] != tp:
        return
    release = sustained["software"]["framework_version"].split("+")[0]
    samples = [s for s in sustained["metrics"]["sustained"]["samples"] if not s["is_warmup"]]
    completed = sum(s["requests_completed"] for s in samples)
    output = sum(s["tokens_out"] for s in samples) / completed
    cpu = (sustained["environment"].get("cpu") or {}).get("model", "")
    model = sustained["model"]["model_id"]
    label = SHORT[suite["model_id"]] + (f"-{variant}" if variant else "")
    name = f"am-{CHIPS[chip].lower()}{f'x{tp}' if tp > 1 else ''}-{label}-v{release}"
    # VllmV0InProcess is fitted on the 0.7.3 runs of four hosts; the H200's (a host two to three times slower) and the
    # 0.20.1 run are held out.
    # Its workers' share at tensor parallelism is fitted on the 70B runs on eight A100s; the Mixtral runs there and both
    # on eight H200s are held out.
    fitted = release == "0.7.3" and CHIPS[chip] != "H200" and suite_id in ("A", "B")
    common = {
        "stage": "all", "set": "fit" if fitted else "heldout", "model": model, "gpu": CHIPS[chip], "tp": tp,
        "dtype": "BF16", "sampling": "greedy", "engine": "vllm", "engine_version": release, "vllm_entry": "engine",
        "in_process": "true", "gpu_mem_util": 0.9, "max_model_len": suite["max_model_len"],
        "output_len_mean": round(output, 1),
        "output_len_source": "the run's sustained loop: output tokens over completed requests (greedy answers up to 512 tokens)",
        "host_cpu": cpu,
        "source": f"{REPO}@{COMMIT} {base}",
    }

    def prompt_mean(count):
        return round(statistics.mean(inputs[:count]) + offset, 1)

    # The loop's users drift apart over 30 minutes of answers of different lengths, so its samples after the warm-up
    # are a steady state: started over one request's measured duration (users x seconds / requests), not together.
    users = suite["sustained_concurrency"]
    rows.append(dict(common, exp_id=f"{name}-sustained-c8", arrival="concurrency",
                     rate_rps_or_concurrency=users, n_requests=completed,
                     ramp_s=round(users * 60 * len(samples) / completed, 2),
                     input_len_mean=prompt_mean(suite["request_count"]),
                     measured_ttft_p50_ms=round(statistics.median(s["ttft_ms_p50"] for s in samples), 2),
                     measured_throughput_tok_s=round(statistics.mean(s["throughput_tokens_per_sec"] for s in samples), 1),
                     source=common["source"] + "/sustained/result.json",
                     notes=f"{len(samples)} one-minute samples after the warm-up; TTFT p50 the median of their medians"))
    if f"{base}/interactive/result.json" in files:
        m = load(repo, f"{base}/interactive/result.json")["metrics"]["interactive"]
        count = suite["interactive_request_count"]
        rows.append(dict(common, exp_id=f"{name}-interactive", arrival="concurrency", rate_rps_or_concurrency=1,
                         n_requests=count, input_len_mean=prompt_mean(count),
                         source=common["source"] + "/interactive/result.json",
                         notes="one request at a time, three runs pooled", **percentiles(m)))
    if f"{base}/online/result.json" in files:
        m = load(repo, f"{base}/online/result.json")["metrics"]["online"]
        count = suite["online_request_count"]
        for level in m["results_by_qps"]:
            rows.append(dict(common, exp_id=f"{name}-poisson-{level['target_qps']:g}", arrival="poisson",
                             rate_rps_or_concurrency=level["target_qps"], n_requests=count,
                             input_len_mean=prompt_mean(count),
                             source=common["source"] + "/online/result.json",
                             notes="Poisson arrivals, three runs of the same prompts pooled", **percentiles(level)))


def percentiles(m):
    return {f"measured_{metric}_{p}_ms": m[f"{metric}_ms_{p}"] for metric in ("ttft", "tpot") for p in ("p50", "p90", "p99")
            if m.get(f"{metric}_ms_{p}") is not None}


if __name__ == "__main__":
    if len(sys.argv) != 3 or not os.path.isdir(sys.argv[1]):
        sys.exit("usage: accelmark.py ACCELMARK_CLONE OUT.csv")
    main(sys.argv[1], sys.argv[2])
