#!/usr/bin/env python3
"""Rebuilds data/published/inferencex-dsr1-cdna3-sglang-0.5.9-runs.csv: InferenceX's DeepSeek-R1 runs on MI300X and MI325X
under SGLang 0.5.9 that its dashboard's snapshot (benchmarks.json, read by inferencex_dsr1.py) does not hold, from the
history beside it.

    git -C app show 528c4146b8f502fcbce8df7870a935a970cbae25:packages/app/cypress/fixtures/api/benchmarks.json > benchmarks.json
    git -C app show 528c4146b8f502fcbce8df7870a935a970cbae25:packages/app/cypress/fixtures/api/benchmarks-history.json > history.json
    python3 data/published/scripts/inferencex_dsr1_release_history.py history.json benchmarks.json \\
        > data/published/inferencex-dsr1-cdna3-sglang-0.5.9-runs.csv

The snapshot keeps the latest run of each configuration; on MI300X and MI325X that is SGLang 0.5.12 (May 2026) at 1k/1k and
8k/1k, and SGLang 0.5.9 (February 2026) only at 1k/8k, the configuration not rerun since. The history keeps every rerun with
the GitHub Actions run that measured it, but not its container image: a history run is given a release here only when the
snapshot records the image of the same Actions run (the 27 February 2026 run measured all three lengths on both GPUs with
lmsysorg/sglang:v0.5.9-rocm700-mi30x). The history keeps medians and percentiles, not means, so each row is scored on what it
gives: output throughput, the median first token, the median time per output token and the 99th-percentile end-to-end
latency. Lengths, limits and the client are as in inferencex_dsr1.py. Every row is held out.
"""

import csv
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import inferencex_dsr1 as ix  # noqa: E402

GPUS = ("mi300x", "mi325x")
RELEASE = "0.5.9"
COLUMNS = [c for c in ix.COLUMNS if c != "measured_ttft_p99_ms"] + ["measured_tpot_p50_ms"]


def main(history_path, snapshot_path):
    history = json.load(open(history_path))
    snapshot = json.load(open(snapshot_path))
    images = {r["run_url"]: r.get("image") for r in snapshot if r.get("image")}
    have = {_key(r) for r in snapshot}
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(COLUMNS)
    kept = 0
    for r in sorted(history, key=lambda r: (r["hardware"], r["isl"], r["osl"], r["conc"], r["date"])):
        if (r["model"] != "dsr1" or r["disagg"] or r["is_multinode"] or r["spec_method"] != "none" or r["framework"] != "sglang"
                or r["hardware"] not in GPUS or r["precision"] != "fp8" or _key(r) in have):
            continue
        image = images.get(r["run_url"])
        if ix.release(image) != RELEASE:
            continue
        gpu, m = ix.GPUS[r["hardware"]], r["metrics"]
        tp, isl, osl, conc = r["decode_tp"], r["isl"], r["osl"], r["conc"]
        seqs, tokens, mem, prefix, flags = ix.server(gpu, "sglang", tp, isl, osl, conc, "fp8")
        ilo, olo = int(isl * ix.RANGE_RATIO), int(osl * ix.RANGE_RATIO)
        exp = f"ix-dsr1-{r['hardware']}-sglang-{RELEASE}-tp{tp}-fp8-{isl // 1024}k{osl // 1024}k-c{conc}"
        notes = (f"InferenceX run of {r['date']} ({r['run_url']}); {tp} x {gpu}, TP {tp}, image {image} (the snapshot's record of "
                 f"the same Actions run); {flags}; {conc} users, {10 * conc} prompts; the history keeps medians, not means: scored "
                 "on output throughput (output tokens per GPU x TP GPUs), the median TTFT, the median TPOT and the p99 E2E; held out")
        row = dict(zip(ix.COLUMNS, [exp, "heldout", "all", f"random {isl}/{osl} x0.8, {conc} users", "deepseek-ai/DeepSeek-R1-0528", gpu, tp, 1, "",
                                    "FP8", "fp8", "greedy", "sglang", RELEASE, "concurrency", conc, 10 * conc, seqs, tokens, mem, prefix, "",
                                    (ilo + isl) / 2, ilo, isl, (olo + osl) / 2, olo, osl, "configured (--ignore-eos)",
                                    "", f"{m['median_ttft'] * 1000:.1f}", "", "", "", f"{m['p99_e2el'] * 1000:.0f}",
                                    f"{m['output_tput_per_gpu'] * tp:.1f}", ix.SOURCE.replace("benchmarks.json", "benchmarks.json and benchmarks-history.json"),
                                    notes]))
        row["measured_tpot_p50_ms"] = f"{m['median_tpot'] * 1000:.3f}"
        out.writerow([row[c] for c in COLUMNS])
        kept += 1
    print(f"kept {kept}", file=sys.stderr)


def _key(r):
    return (r["model"], r["hardware"], r["framework"], r["precision"], r["decode_tp"], r["decode_ep"], r["decode_dp_attention"], r["isl"], r["osl"],
            r["conc"], r["disagg"], r["is_multinode"], r["spec_method"], r["date"])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
