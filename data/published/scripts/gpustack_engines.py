#!/usr/bin/env python3
"""Rebuilds data/published/gpustack-engine-runs.csv from GPUStack's performance lab (the runs gpustack-vllm-runs.csv lacks).

    git clone https://github.com/gpustack/gpustack && git -C gpustack checkout 47277d79
    python3 data/published/scripts/gpustack_engines.py gpustack > data/published/gpustack-engine-runs.csv
    python3 data/published/scripts/gpustack_engines.py gpustack --deepseek > data/published/gpustack-deepseek-runs.csv

Each page named below ends with "Other Benchmark Cases": a configuration (the baseline, vLLM without options, or the
optimized one, served by the engine its serving script names) under the lab's random workloads (vllm bench serve
--backend openai-chat --dataset-name random --request-rate inf: every request at once, fixed lengths). The Qwen3
baselines are in gpustack-vllm-runs.csv already; GLM-4.6's and GLM-4.5-Air's are taken here (GLM-4.5-Air's optimized
runs are not: SGLang ran its experts expert-parallel, --ep-size 4, which a measured-runs row cannot state; nor is its
H100 baseline: that page's printed blocks repeat the A100 page's to the digit, 498.76 s for 32,000-token prompts, where
its own summary table gives 20,732.85 tokens/s, some 155 s). Each printed block becomes a row: requests, duration, the token totals (their means), TTFT mean, median and p99, the mean TPOT (the
ITL column, per request as the replay scores it) and the output throughput.
"""
import csv
import re
import subprocess
import sys

COMMIT = "47277d79"
# (page, configuration) -> (engine, release, model as served, accelerator, weights, tensor parallel, max_model_len,
# attention data-parallel over the tensor-parallel group)
PAGES = {
    ("qwen3-14b/h100", "Optimized"): ("sglang", "0.5.5.post1", "Qwen/Qwen3-14B-FP8", "H100-SXM", "FP8", 1, "", ""),
    ("qwen3-32b/h100", "Optimized"): ("tensorrt-llm", "1.2.0rc1", "Qwen/Qwen3-32B-FP8", "H100-SXM", "FP8", 1, "40960", ""),
    ("qwen3-14b/a100", "Optimized"): ("tensorrt-llm", "1.2.0rc1", "Qwen/Qwen3-14B", "A100-80GB", "BF16", 1, "40960", ""),
    ("qwen3-32b/a100", "Optimized"): ("tensorrt-llm", "1.2.0rc1", "Qwen/Qwen3-32B", "A100-80GB", "BF16", 1, "40960", ""),
    ("glm-4.x/h200", "Baseline"): ("vllm", "0.11.0", "zai-org/GLM-4.6", "H200", "BF16", 8, "", ""),
    ("glm-4.5-air/a100", "Baseline"): ("vllm", "0.11.0", "zai-org/GLM-4.5-Air", "A100-80GB", "BF16", 4, "", ""),
    ("glm-4.x/h200", "Optimized"): ("sglang", "0.5.3", "zai-org/GLM-4.6-FP8", "H200", "FP8", 4, "", ""),
}
# The lab's DeepSeek pages, written to their own file (gpustack-deepseek-runs.csv) by `--deepseek`.
DEEPSEEK_PAGES = {
    # DeepSeek-R1 under vLLM TP 8 in the same lab: the same model without sparse attention, beside V3.2's. Its optimized
    # configuration (SGLang --tp 8 --enable-dp-attention without --dp-size) is left out: the runs do not say how many
    # attention groups it formed.
    ("deepseek-r1/h200", "Baseline"): ("vllm", "0.11.0", "deepseek-ai/DeepSeek-R1-0528", "H200", "FP8", 8, "", ""),
    # DeepSeek-V3.2 (sparse attention) in its FP8 checkpoint: vLLM TP 8, and SGLang TP 8 with DP 8 attention (its
    # --dp-size 8 --enable-dp-attention; the page's last random block, generation-heavy, has no label and is not read).
    ("deepseek-v3.2/h200", "Baseline"): ("vllm", "0.13.0", "deepseek-ai/DeepSeek-V3.2", "H200", "FP8", 8, "", ""),
    ("deepseek-v3.2/h200", "Optimized"): ("sglang", "0.5.6.post2", "deepseek-ai/DeepSeek-V3.2", "H200", "FP8", 8, "32768", "true"),
}
WORKLOADS = {"32K": (32000, 100), "4K": (4000, 200), "2K": (2000, 100), "128": (128, 4)}
LABELS = {
    "Successful requests": "n", "Benchmark duration (s)": "duration", "Total input tokens": "input",
    "Total generated tokens": "output", "Output token throughput (tok/s)": "throughput", "Mean TTFT (ms)": "ttft",
    "Median TTFT (ms)": "ttft_p50", "P99 TTFT (ms)": "ttft_p99", "Mean TPOT (ms)": "tpot",
}
COLUMNS = ["exp_id", "set", "stage", "workload", "model", "gpu", "tp", "dp_attention", "dtype", "sampling", "engine", "engine_version",
           "max_model_len", "arrival", "n_requests", "duration_s", "input_len_mean", "output_len_mean", "output_len_source",
           "measured_ttft_mean_ms", "measured_ttft_p50_ms", "measured_ttft_p99_ms", "measured_itl_mean_ms",
           "measured_throughput_tok_s", "source", "notes"]


def blocks(text, configuration):
    """The printed blocks of a configuration's benchmark results, each with the random workload its comment line names."""
    tail = text[text.index(f"{configuration} benchmark results"):]
    tail = tail[:tail.find("??? info", 1)] if tail.find("??? info", 1) > 0 else tail
    for m in re.finditer(r"# random (\S+) input\s*\n\s*=+ Serving Benchmark Result =+\n(.*?)\n\s*=+\n", tail, re.S):
        fields = {}
        for line in m.group(2).splitlines():
            label, _, value = line.strip().partition(":")
            if label in LABELS:
                fields[LABELS[label]] = value.strip()
        yield m.group(1), fields


def main(repo, deepseek):
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(COLUMNS)
    for (page, configuration), (engine, release, model, gpu, dtype, tp, max_len, dp_attention) in (DEEPSEEK_PAGES if deepseek else PAGES).items():
        text = subprocess.run(["git", "-C", repo, "show", f"{COMMIT}:docs/performance-lab/{page}.md"], check=True, capture_output=True, text=True).stdout
        serving = re.search(configuration + r" serving script\"\n\s*```bash\n\s*(.+?)\s*\\?\n", text).group(1).strip()
        family, chip = page.split("/")
        for label, f in blocks(text, configuration):
            prompt, answer = WORKLOADS[label.upper()]
            n = int(f["n"])
            out.writerow([
                f"gs-{engine.split('-')[0]}-{family.replace('qwen3-', 'q').replace('glm-4.x', 'glm46').replace('glm-4.5-air', 'glm45air').replace('deepseek-v3.2', 'dsv32').replace('deepseek-r1', 'dsr1')}-{chip}-{label.lower()}", "heldout", "all",
                f"random {prompt}/{answer}", model, gpu, tp, dp_attention, dtype, "greedy", engine, release, max_len, "offline", n,
                f["duration"], round(int(f["input"]) / n, 2), round(int(f["output"]) / n, 2),
                "measured (total generated / requests)", f["ttft"], f["ttft_p50"], f["ttft_p99"], f["tpot"], f["throughput"],
                f"GPUStack performance lab, github.com/gpustack/gpustack docs/performance-lab/{page}.md (commit {COMMIT}), 'Other Benchmark Cases', {configuration.lower()}",
                f"{serving} ({engine} {release}) on {'one' if tp == 1 else tp} {gpu}; vllm bench serve --backend openai-chat --dataset-name random "
                "--request-rate inf (all at once; 6 h client timeout); lengths and throughput from the printed totals; the ITL "
                "column is the printed mean TPOT; held out (nothing is fitted on these rows)",
            ])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "gpustack", "--deepseek" in sys.argv[2:])
