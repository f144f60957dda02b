#!/usr/bin/env python3
"""How much InferenceX's own reruns of one configuration move: the spread of the median TPOT over dates.

    git -C app show 528c4146b8f502fcbce8df7870a935a970cbae25:packages/app/cypress/fixtures/api/benchmarks-history.json > history.json
    python3 data/published/scripts/inferencex_drift.py history.json

`benchmarks-history.json` (InferenceX-app's dashboard API fixture, beside the `benchmarks.json` that
inferencex_dsr1.py reads) holds 1,462 runs of the same DeepSeek-R1 configurations on different dates, each with the
container image of its day. For every configuration on one node without speculative decoding or disaggregation that was
run on three dates or more, this prints max / min of its median TPOT, then the median of that ratio by GPU, engine and
precision: how far a release moves the same run, the floor under any simulated error that does not know the release.
"""

import collections
import json
import statistics
import sys


def main(path):
    runs = json.load(open(path))
    by_config = collections.defaultdict(list)
    for r in runs:
        if r["disagg"] or r["spec_method"] != "none" or r["model"] != "dsr1":
            continue
        tpot = r["metrics"].get("median_tpot")
        if not tpot:
            continue
        key = (r["hardware"], r["framework"], r["precision"], r["decode_tp"], r["decode_ep"], r["decode_dp_attention"], r["isl"], r["osl"], r["conc"])
        by_config[key].append(tpot)
    groups = collections.defaultdict(list)
    for key, tpots in by_config.items():
        if len(tpots) >= 3:
            groups[key[:3]].append(max(tpots) / min(tpots))
    spreads = [s for v in groups.values() for s in v]
    print(f"{len(spreads)} configurations run on three dates or more: median max/min of median TPOT {statistics.median(spreads):.2f}")
    print("| GPU | engine | precision | configurations | median max/min | largest |")
    print("|---|---|---|---:|---:|---:|")
    for (gpu, engine, precision), v in sorted(groups.items()):
        print(f"| {gpu} | {engine} | {precision} | {len(v)} | {statistics.median(v):.2f} | {max(v):.2f} |")


if __name__ == "__main__":
    main(sys.argv[1])
