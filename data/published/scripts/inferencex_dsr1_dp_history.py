#!/usr/bin/env python3
"""Rebuilds data/published/inferencex-dsr1-dp-history-runs.csv: InferenceX's data-parallel-attention runs of DeepSeek-R1
that its dashboard's snapshot (benchmarks.json, read by inferencex_dsr1.py) does not hold, from the history beside it.

    git -C app show 528c4146b8f502fcbce8df7870a935a970cbae25:packages/app/cypress/fixtures/api/benchmarks-history.json > history.json
    python3 data/published/scripts/inferencex_dsr1_dp_history.py history.json data/published/inferencex-dsr1-runs.csv \\
        > data/published/inferencex-dsr1-dp-history-runs.csv

The history keeps every rerun of a configuration with its medians and percentiles but not its means, so each row here is
the latest run of a single-node TensorRT-LLM configuration with `enable_attention_dp` (InferenceX's launch scripts turn on
`attention_dp_config.enable_balance` with it: `dp_attention` balanced) whose configuration the snapshot's CSV lacks,
scored on what the history gives: output throughput, the median first token and the 99th-percentile end-to-end latency.
Lengths, limits and the client are as in inferencex_dsr1.py (each rank's max_num_tokens). Every row is held out.
"""

import csv
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import inferencex_dsr1 as ix  # noqa: E402


def main(history_path, snapshot_csv):
    runs = json.load(open(history_path))
    have = {row["exp_id"] for row in csv.DictReader(open(snapshot_csv))}
    latest = {}
    for r in runs:
        if (r["model"] != "dsr1" or r["disagg"] or r["is_multinode"] or r["spec_method"] != "none"
                or not r["decode_dp_attention"] or r["framework"] != "trt" or r["hardware"] not in ix.GPUS):
            continue
        key = (r["hardware"], r["precision"], r["decode_tp"], r["decode_ep"], r["isl"], r["osl"], r["conc"])
        if key not in latest or r["date"] > latest[key]["date"]:
            latest[key] = r
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow([c for c in ix.COLUMNS if c != "scheduler_recv_interval"])   # TensorRT-LLM: no read interval
    kept = 0
    for key in sorted(latest):
        r = latest[key]
        gpu, precision = ix.GPUS[r["hardware"]], r["precision"]
        tp, ep, isl, osl, conc = r["decode_tp"], r["decode_ep"], r["isl"], r["osl"], r["conc"]
        exp = f"ix-dsr1-{r['hardware']}-trt-tp{tp}{f'-ep{ep}' if ep > 1 else ''}-dpa-{precision}-{isl // 1024}k{osl // 1024}k-c{conc}"
        if exp in have:
            continue
        m = r["metrics"]
        _, tokens, _, prefix, flags = ix.server(gpu, "tensorrt-llm", tp, isl, osl, conc, precision)
        ilo, olo = int(isl * ix.RANGE_RATIO), int(osl * ix.RANGE_RATIO)
        notes = (f"InferenceX run of {r['date']} ({r['run_url']}), the latest of {sum(1 for x in runs if x is r or _same(x, r))} in its history; "
                 f"{tp} x {gpu}, TP {tp}, EP {ep}, attention data-parallel, balanced (limits per rank); {flags}; {conc} users, {10 * conc} prompts; "
                 "the history keeps medians, not means: scored on output throughput (output tokens per GPU x TP GPUs), the median TTFT "
                 "and the p99 E2E; held out")
        out.writerow([exp, "heldout", "all", f"random {isl}/{osl} x0.8, {conc} users", "deepseek-ai/DeepSeek-R1-0528", gpu, tp, ep, "balanced",
                      precision.upper(), "fp8", "greedy", "tensorrt-llm", "", "concurrency", conc, 10 * conc, "", tokens, "", prefix,
                      (ilo + isl) / 2, ilo, isl, (olo + osl) / 2, olo, osl, "configured (--ignore-eos)",
                      "", f"{m['median_ttft'] * 1000:.1f}", f"{m['p99_ttft'] * 1000:.1f}", "", "", f"{m['p99_e2el'] * 1000:.0f}",
                      f"{m['output_tput_per_gpu'] * tp:.1f}", ix.SOURCE.replace("benchmarks.json", "benchmarks-history.json"), notes])
        kept += 1
    print(f"kept {kept}", file=sys.stderr)


def _same(x, r):
    return (x["model"], x["hardware"], x["framework"], x["precision"], x["decode_tp"], x["decode_ep"], x["decode_dp_attention"], x["isl"], x["osl"], x["conc"],
            x["disagg"], x["is_multinode"], x["spec_method"]) == (r["model"], r["hardware"], r["framework"], r["precision"], r["decode_tp"], r["decode_ep"],
                                                                  r["decode_dp_attention"], r["isl"], r["osl"], r["conc"], r["disagg"], r["is_multinode"], r["spec_method"])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
