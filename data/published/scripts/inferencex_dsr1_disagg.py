#!/usr/bin/env python3
"""Rebuilds data/published/inferencex-dsr1-disagg-runs.csv: InferenceX's disaggregated DeepSeek-R1 runs (prefill and
decode workers, Dynamo with SGLang or TensorRT-LLM, and AMD's MoRI with SGLang) from the snapshot inferencex_dsr1.py reads.

    python3 data/published/scripts/inferencex_dsr1_disagg.py benchmarks.json > data/published/inferencex-dsr1-disagg-runs.csv

Kept: runs without speculative decoding whose worker counts and GPUs agree (each pool's GPUs = its workers x TP; the
snapshot has 24 runs where they do not, with no workers or more GPUs than workers x TP), on GPUs the hardware catalog
holds, with expert ranks inside each worker's TP group (the replay's expert parallelism; the rest are counted on
stderr). Each row is one closed loop of `conc` users sending ten requests each, lengths uniform on [0.8 L, L] as in the
colocated runs; `prefill_replicas`, `prefill_tp`, `prefill_ep` and `prefill_dp_attention` describe the prefill workers,
`dp` (their count), `tp`, `ep` and `dp_attention` the decode workers. SGLang's workers with data-parallel attention
and expert ranks exchange tokens by all-to-all (`moe_dispatch`, `prefill_moe_dispatch`: DeepEP with every dense weight
on every rank, as InferenceX's disaggregated SGLang recipes configure it), TensorRT-LLM's by its attention-DP default
(gather and scatter); an assumption, the flags not being read. The launch flags of these recipes are not read:
batch limits are the engines' defaults (each rank's under data-parallel attention). TensorRT-LLM's workers with data-parallel
attention run `balanced`, SGLang's `true` (one prompt one rank's). The KV link is left to the replay (each of the fewer
workers' accelerators over its own scale-up link when both pools fit one NVL72, else its scale-out link).

Output throughput is the API's output tokens per GPU times the decode GPUs: for these runs the API divides the output
rate by the decode pool (the closed loop's users x mean output / mean E2E agrees with it within 3-6 %), while its total
tokens per GPU is per GPU of both pools. Every row is held out.
"""

import csv
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import inferencex_dsr1 as ix  # noqa: E402

GPUS = dict(ix.GPUS, gb200="GB200", gb300="GB300", h100="H100-SXM")
ENGINES = {"dynamo-sglang": "sglang", "dynamo-trt": "tensorrt-llm", "mori-sglang": "sglang"}
BASE = [c for c in ix.COLUMNS if c != "scheduler_recv_interval"]   # the recipes' launch flags are not read: no read interval
COLUMNS = BASE[:9] + ["moe_dispatch", "dp", "prefill_replicas", "prefill_tp", "prefill_ep", "prefill_dp_attention", "prefill_moe_dispatch"] + BASE[9:]


def dispatch(engine, dp_attention, ep):
    """SGLang's workers that attend data-parallel beside expert ranks reach them by all-to-all (the disaggregated recipes
    of InferenceX's srt-slurm set moe-a2a-backend deepep with moe-dense-tp-size 1 and enable-dp-lm-head); TensorRT-LLM's
    keep its default under attention DP, an all-gather before the experts and a reduce-scatter after. The runs' own flags
    are not read: an assumption, said in the notes."""
    return "all-to-all" if engine == "sglang" and dp_attention and ep > 1 else ""


def layout(engine, on):
    return ("balanced" if engine == "tensorrt-llm" else "true") if on else ""


def main(path):
    runs = json.load(open(path))
    left_out = {}
    rows = []
    for r in runs:
        why = None
        if r["model"] != "dsr1" or not r["disagg"]:
            why = "not a disaggregated DeepSeek-R1 run"
        elif r["spec_method"] != "none":
            why = "speculative decoding"
        elif r["hardware"] not in GPUS or r["framework"] not in ENGINES:
            why = f"{r['hardware']} {r['framework']} not modelled"
        elif (r["prefill_num_workers"] < 1 or r["decode_num_workers"] < 1 or r["num_prefill_gpu"] != r["prefill_tp"] * r["prefill_num_workers"]
              or r["num_decode_gpu"] != r["decode_tp"] * r["decode_num_workers"]):
            why = "workers and GPUs disagree"
        elif r["prefill_ep"] > r["prefill_tp"] or r["decode_ep"] > r["decode_tp"]:
            why = "expert ranks beyond a worker's TP group"
        if why:
            left_out[why] = left_out.get(why, 0) + 1
            continue
        gpu, engine = GPUS[r["hardware"]], ENGINES[r["framework"]]
        isl, osl, conc, precision = r["isl"], r["osl"], r["conc"], r["precision"]
        m = r["metrics"]
        pw, ptp, pep, pdp = r["prefill_num_workers"], r["prefill_tp"], r["prefill_ep"], r["prefill_dp_attention"]
        dw, dtp, dep, ddp = r["decode_num_workers"], r["decode_tp"], r["decode_ep"], r["decode_dp_attention"]
        ilo, olo = int(isl * ix.RANGE_RATIO), int(osl * ix.RANGE_RATIO)
        exp = (f"ix-dsr1-{r['hardware']}-{r['framework']}-{pw}p{ptp}{'e' + str(pep) if pep > 1 else ''}{'d' if pdp else ''}"
               f"-{dw}d{dtp}{'e' + str(dep) if dep > 1 else ''}{'d' if ddp else ''}-{precision}-{isl // 1024}k{osl // 1024}k-c{conc}")
        notes = (f"InferenceX run of {r['date']} ({r['run_url']}); {pw} prefill worker(s) of TP {ptp}, EP {pep}{', DP attention' if pdp else ''} and "
                 f"{dw} decode worker(s) of TP {dtp}, EP {dep}{', DP attention' if ddp else ''} on {gpu} ({r['num_prefill_gpu'] + r['num_decode_gpu']} GPUs); "
                 f"{r['framework']}, image {r.get('image') or 'not recorded'}; launch flags not read (engine defaults; SGLang's DP-attention workers with expert ranks taken to dispatch all-to-all); {conc} users, {10 * conc} prompts; "
                 "throughput: output tokens per GPU x decode GPUs; held out")
        rows.append([exp, "heldout", "all", f"random {isl}/{osl} x0.8, {conc} users", "deepseek-ai/DeepSeek-R1-0528", gpu, dtp, dep, layout(engine, ddp),
                     dispatch(engine, ddp, dep), dw, pw, ptp, pep, layout(engine, pdp), dispatch(engine, pdp, pep),
                     precision.upper(), "fp8", "greedy", engine, ix.release(r.get("image")), "concurrency", conc, 10 * conc, "", "", "", "",
                     (ilo + isl) / 2, ilo, isl, (olo + osl) / 2, olo, osl, "configured (--ignore-eos)",
                     f"{m['mean_ttft'] * 1000:.1f}", f"{m['median_ttft'] * 1000:.1f}", f"{m['p99_ttft'] * 1000:.1f}",
                     f"{m['mean_tpot'] * 1000:.3f}", f"{m['mean_e2el'] * 1000:.0f}", f"{m['p99_e2el'] * 1000:.0f}",
                     f"{m['output_tput_per_gpu'] * r['num_decode_gpu']:.1f}", ix.SOURCE, notes])
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(COLUMNS)
    ix.write(out, rows, lambda x: (x[5], x[19], x[0]), left_out)


if __name__ == "__main__":
    main(sys.argv[1])
