#!/usr/bin/env python3
"""Rebuilds data/published/blis-heldout-runs.csv from the public repositories it cites.

    git clone https://github.com/inference-sim/training
    git clone https://github.com/inference-sim/sim-to-real-accuracy-validation
    python3 data/published/scripts/blis_heldout.py training sim-to-real-accuracy-validation > data/published/blis-heldout-runs.csv

Two sources, one layout (that of data/measured/vllm-measured-calibration.csv, plus engine_version):
  * training/default_args/*: each run's profile.yaml, exp-config.yaml and inference-perf's per-stage lifecycle metrics.
    Runs the calibration file already has are skipped; for those this conversion gives its cells back exactly.
  * sim-to-real-accuracy-validation at 9bcf939, results/cluster_2000req/error_records.csv: the 'actual' mean, p90 and
    p99 per stage of the campaign's runs, whose settings (vLLM 0.15.1, max_num_seqs 128, max_model_len 4096, the named
    workload's rates) are those of inference-sim/tektonc-data-collection blis-campaign/campaign/*/values.yaml. The
    '-lite' runs (loads not published) and the repeats of the training runs are left out.
ITL is (E2E mean - TTFT mean) / (output mean - 1), the calibration file's definition; where only means survive, the
output mean is recovered from it. The error records' own absolute errors of BLIS's roofline and evolved (trained) models
on each stage's mean E2E fill the peer columns, the bar to beat.
"""
import collections
import csv
import json
import re
import subprocess
import sys

CALIBRATION = "data/measured/vllm-measured-calibration.csv"
PROFILES = {"general": [(8, 600), (20, 600)], "codegen": [(5, 600), (10, 600)], "roleplay": [(6, 1200)], "reasoning": [(4, 1200)]}
PARAMS = {  # published total and active parameters, billions (the calibration file's columns)
    "meta-llama/Llama-2-7b-hf": (6.7, 6.7, "no"), "meta-llama/Llama-2-70b-hf": (69.0, 69.0, "no"),
    "codellama/CodeLlama-34b-Instruct-hf": (33.7, 33.7, "no"), "mistralai/Mixtral-8x7B-v0.1": (46.7, 12.9, "yes"),
    "Qwen/Qwen3-14B": (14.8, 14.8, "no"), "meta-llama/Llama-3.1-8B-Instruct": (8.0, 8.0, "no"),
    "mistralai/Mixtral-8x22B-Instruct-v0.1": (140.6, 39.2, "yes"), "mistralai/Mixtral-8x22B-v0.1": (140.6, 39.2, "yes"),
}
LITE_STAGES = {"general": [(None, None), (None, None)], "reasoning": [(None, None)]}   # '-lite' runs: stages as their records have them, loads unpublished
LITE_PROFILE = {"general": "general-lite: reduced-intensity variant of general (lower token counts or rates); exact parameters not published",
                "reasoning": "reasoning-lite: reduced-intensity variant of reasoning; exact parameters not published"}
SAME_AS_TRAINING = {"2", "3", "6", "7", "9", "10", "11", "12"}   # cluster_2000req experiments that are training runs


def git(repo, *args):
    return subprocess.check_output(["git", "-C", repo, *args], text=True)


def header():
    columns = open(CALIBRATION).readline().strip().split(",")
    columns.insert(columns.index("max_model_len") + 1, "engine_version")
    columns.insert(columns.index("blis_roofline_e2e_mean_ape_pct") + 1, "blis_evolved_e2e_mean_ape_pct")
    return columns


def known_runs():
    return {r["exp_id"].split("-", 1)[1][:15] for r in csv.DictReader(open(CALIBRATION)) if r["exp_id"].startswith(("tv-2026", "trn-2026"))}


def training_rows(repo, columns):
    commit = git(repo, "rev-parse", "HEAD").strip()
    skip = known_runs()
    for d in git(repo, "ls-tree", "--name-only", "HEAD", "default_args/").split():
        name = d.split("/")[-1]
        if name[:15] in skip:
            continue
        show = lambda path: git(repo, "show", f"HEAD:{d}/{path}")
        cfg = dict(line.split(": ", 1) for line in show("exp-config.yaml").strip().splitlines())
        profile = json.loads(show("profile.yaml"))
        prefix, stages = profile["data"]["shared_prefix"], profile["load"]["stages"]
        workload = re.search(r"(general|codegen|roleplay|reasoning)$", name).group(1)
        schedule = "; ".join(f"{s['rate']:g} rps x {s['duration']} s" for s in stages)
        files = [(str(i), f"results/stage_{i}_lifecycle_metrics.json", stages[i]) for i in range(len(stages))] if len(stages) > 1 else []
        files.append(("all", "results/summary_lifecycle_metrics.json", None))
        for stage, path, st in files:
            j = json.loads(show(path))
            s, lat = j["successes"], j["successes"]["latency"]
            ttft, e2e, pl, ol = lat["time_to_first_token"], lat["request_latency"], s["prompt_len"], s["output_len"]
            total, active, moe = PARAMS[cfg["model"]]
            row = dict.fromkeys(columns, "")
            row.update({
                "exp_id": "ho-" + name[:15] + "-" + "-".join(name[16:].split("-")[:3]), "set": "heldout_training_repo", "stage": stage,
                "workload": workload, "model": cfg["model"], "params_b": total, "active_params_b": active, "moe": moe, "gpu": "H100",
                "tp": cfg["tensor_parallelism"], "dtype": "FP16", "max_num_seqs": cfg["max_num_seqs"],
                "max_num_batched_tokens": cfg["max_num_batched_tokens"], "max_model_len": cfg["max_model_len"], "arrival": "constant",
                "rate_rps_or_concurrency": f"{st['rate']:g}" if st else "", "stage_schedule": schedule,
                "duration_s": st["duration"] if st else sum(x["duration"] for x in stages), "n_requests": s["count"],
                "n_failed": j["failures"]["count"], "input_len_mean": round(pl["mean"], 3),
                "input_len_dist": f"shared_prefix synthetic: system prompt {prefix['system_prompt_len']} + question {prefix['question_len']} tok configured; "
                                  f"{prefix['num_unique_system_prompts']} system prompts x {prefix['num_users_per_system_prompt']} users; "
                                  f"multi-turn chat={prefix['enable_multi_turn_chat']}; measured prompt_len p50 {pl['median']:g} min {pl['min']:g} max {pl['max']:g}",
                "output_len_mean": round(ol["mean"], 3), "output_len_source": "measured (inference-perf)",
                "output_len_dist": f"fixed {prefix['output_len']} configured (ignore_eos=true); measured p50 {ol['median']:g} p10 {ol['p10']:g} min {ol['min']:g} max {ol['max']:g}",
                "measured_ttft_mean_ms": round(ttft["mean"] * 1e3, 3), "measured_ttft_p50_ms": round(ttft["median"] * 1e3, 3),
                "measured_ttft_p90_ms": round(ttft["p90"] * 1e3, 3), "measured_ttft_p99_ms": round(ttft["p99"] * 1e3, 3),
                "measured_itl_mean_ms": round((e2e["mean"] - ttft["mean"]) / (ol["mean"] - 1) * 1e3, 3),
                "measured_e2e_mean_ms": round(e2e["mean"] * 1e3, 3), "measured_e2e_p50_ms": round(e2e["median"] * 1e3, 3),
                "measured_e2e_p90_ms": round(e2e["p90"] * 1e3, 3), "measured_e2e_p99_ms": round(e2e["p99"] * 1e3, 3),
                "measured_throughput_tok_s": round(s["throughput"]["output_tokens_per_sec"], 3),
                "measured_throughput_rps": round(s["throughput"]["requests_per_sec"], 3),
                "notes": f"github.com/inference-sim/training@{commit[:7]} {d}/ (profile.yaml, exp-config.yaml, results/*_lifecycle_metrics.json)",
            })
            yield row


def error_record_rows(repo, columns):
    records = list(csv.DictReader(git(repo, "show", "9bcf939:results/cluster_2000req/error_records.csv").splitlines()))
    actual, config, peers = collections.defaultdict(dict), {}, collections.defaultdict(dict)
    for r in records:
        actual[r["experiment_folder"]][(r["stage_index"], r["metric_name"])] = float(r["actual"])
        config[r["experiment_folder"]] = r
        if r["metric_name"] == "e2e_mean" and r["simulator"] in ("blis-roofline", "blis-evolved"):
            peers[r["experiment_folder"]][(r["stage_index"], r["simulator"])] = round(float(r["mape"]), 3)
    for folder in sorted(actual, key=lambda f: int(f.split("-")[0])):
        c = config[folder]
        if folder.split("-")[0] in SAME_AS_TRAINING:
            continue
        workload = re.search(r"-(general|codegen|roleplay|reasoning)(-lite)?(-|$)", folder).group(1)
        lite = "-lite" in folder
        stages = LITE_STAGES[workload] if lite else PROFILES[workload]
        labels = [(str(i), str(i)) for i in range(len(stages))] + [("all", "-1")] if len(stages) > 1 else [("all", "-1")]
        for label, index in labels:
            m = lambda metric: actual[folder].get((index, metric))
            if m("e2e_mean") is None:
                continue
            st = stages[int(index)] if index != "-1" else None
            total, active, moe = PARAMS[c["model"]]
            row = dict.fromkeys(columns, "")
            row.update({
                "exp_id": "s2r-" + folder, "set": "heldout_sim2real_lite" if lite else "heldout_sim2real", "stage": label,
                "workload": workload + ("-lite" if lite else ""), "model": c["model"],
                "params_b": total, "active_params_b": active, "moe": moe, "gpu": c["hardware"], "tp": c["tp"],
                "dp": str(int(float(c["dp"]))) if c["dp"] else "", "dtype": "FP16", "max_num_seqs": 128,
                "max_num_batched_tokens": c["max_num_batched_tokens"], "max_model_len": 4096, "engine_version": "0.15.1",
                "gpu_mem_util": c["gpu_mem_util"], "arrival": "constant", "rate_rps_or_concurrency": st[0] if st and not lite else "",
                "stage_schedule": "" if lite else "; ".join(f"{r} rps x {d} s" for r, d in stages),
                "duration_s": "" if lite else st[1] if st else sum(d for _, d in stages),
                "likely_profile_unverified": LITE_PROFILE[workload] if lite else "",
                "output_len_mean": round((m("e2e_mean") - m("ttft_mean")) / m("itl_mean") + 1, 3),
                "output_len_source": "derived: (e2e_mean - ttft_mean)/itl_mean + 1", "output_len_dist": "not published (only the mean is recoverable)",
                "measured_ttft_mean_ms": round(m("ttft_mean"), 3), "measured_ttft_p90_ms": round(m("ttft_p90"), 3),
                "measured_ttft_p99_ms": round(m("ttft_p99"), 3), "measured_itl_mean_ms": round(m("itl_mean"), 3),
                "measured_e2e_mean_ms": round(m("e2e_mean"), 3), "measured_e2e_p90_ms": round(m("e2e_p90"), 3),
                "measured_e2e_p99_ms": round(m("e2e_p99"), 3),
                "blis_roofline_e2e_mean_ape_pct": peers[folder].get((index, "blis-roofline"), ""),
                "blis_evolved_e2e_mean_ape_pct": peers[folder].get((index, "blis-evolved"), ""),
                "notes": f"github.com/inference-sim/sim-to-real-accuracy-validation@9bcf939 results/cluster_2000req/error_records.csv "
                         f"('actual', experiment {folder}); vLLM v0.15.1, max_num_seqs 128, max_model_len 4096"
                         + (f" from github.com/inference-sim/tektonc-data-collection@0f7f91c blis-campaign/campaign/*/values.yaml; the {workload}-lite "
                            f"load was not published" if lite else
                            f" and the {workload} profile from github.com/inference-sim/tektonc-data-collection@0f7f91c blis-campaign/campaign/*/values.yaml")
                         + ("; run with --cpu-offload-gb 4 (weights), not modelled" if c["cpu_offload"] == "True" else ""),
            })
            yield row


def main(training, sim_to_real):
    columns = header()
    writer = csv.DictWriter(sys.stdout, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(training_rows(training, columns))
    writer.writerows(error_record_rows(sim_to_real, columns))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
