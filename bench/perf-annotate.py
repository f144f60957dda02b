#!/usr/bin/env python3
"""Line-level profile of one JIT-compiled .NET method: perf samples mapped onto the method's Tier1 assembly.

`perf annotate` cannot read code the JIT wrote, so this joins three things the runtime and perf give:
the method's Tier1 listing with code bytes (DOTNET_JitDisasm, DOTNET_JitDisasmWithCodeBytes), where that
code was loaded (the perf map, DOTNET_PerfMapEnabled), and the sampled instruction pointers (perf script).

Record all three in one process, e.g. for Vidur's scenario:

    DOTNET_PerfMapEnabled=3 DOTNET_EnableWriteXorExecute=0 \\
    DOTNET_JitDisasm=TryStartPrefillStretch DOTNET_JitDisasmWithCodeBytes=1 DOTNET_JitStdOutFile=/tmp/disasm.txt \\
    perf record -F 4999 -o /tmp/perf.data \\
      dotnet bench/ClusterSim.Bench/bin/Release/net10.0/ClusterSim.Bench.dll vidur-scale 1000000 2

then

    python3 bench/perf-annotate.py /tmp/disasm.txt TryStartPrefillStretch /tmp/perf.data

prints the method's hottest basic blocks, each instruction with its sample count. The perf map is found from
the samples' process id (/tmp/perf-PID.map); the listing used is the last Tier1 one, which is the code that ran
once the method tiered up (a method recompiled later, for example after on-stack replacement, may not match).
"""
import bisect
import collections
import re
import subprocess
import sys


def tier1_listing(path, method):
    """(offset, instruction text, basic block) for each instruction of the method's last Tier1 listing."""
    lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
    starts = [i for i, line in enumerate(lines)
              if line.startswith("; Assembly listing for method") and f":{method}(" in line and "(Tier1" in line]
    if not starts:
        sys.exit(f"no Tier1 listing of {method} in {path}: was DOTNET_JitDisasm={method} set, and did it tier up?")

    instructions, offset, block = [], 0, None
    for line in lines[starts[-1] + 1:]:
        if line.startswith("; Assembly listing for method"):
            break
        label = re.match(r"(G_M\d+_IG\d+):\s+;; offset=0x([0-9A-F]+)", line)
        if label:
            block, offset = label.group(1), int(label.group(2), 16)
            continue
        code = re.match(r"\s{7}([0-9A-F]+)\s+(\S.*)$", line)
        if code and block:
            instructions.append((offset, code.group(2).strip(), block))
            offset += len(code.group(1)) // 2
    if not instructions:
        sys.exit(f"the Tier1 listing of {method} has no code bytes: set DOTNET_JitDisasmWithCodeBytes=1")
    return instructions


def samples(perf_data):
    """(pid, instruction pointer) of every sample."""
    out = subprocess.run(["perf", "script", "-i", perf_data, "-F", "pid,ip"], capture_output=True, text=True, check=True).stdout
    for line in out.split("\n"):
        fields = line.split()
        if len(fields) == 2:
            yield int(fields[0]), int(fields[1], 16)


def tier1_range(pid, method):
    """Start and size of the method's optimised code in the process's perf map."""
    found = None
    with open(f"/tmp/perf-{pid}.map", encoding="utf-8", errors="replace") as perf_map:
        for line in perf_map:
            start, size, name = line.rstrip("\n").split(" ", 2)
            if f"::{method}(" in name and "[OptimizedTier1]" in name:
                found = (int(start, 16), int(size, 16))
    return found


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    listing_path, method, perf_data = sys.argv[1:]
    instructions = tier1_listing(listing_path, method)
    offsets = [o for o, _, _ in instructions]
    all_samples = list(samples(perf_data))
    pids = collections.Counter(pid for pid, _ in all_samples)
    ranges = {pid: tier1_range(pid, method) for pid in pids}

    hits = collections.Counter()
    for pid, ip in all_samples:
        code = ranges.get(pid)
        if code and code[0] <= ip < code[0] + code[1]:
            hits[bisect.bisect_right(offsets, ip - code[0]) - 1] += 1

    total = sum(hits.values())
    print(f"{method}: {total} of {len(all_samples)} samples ({100 * total / max(1, len(all_samples)):.1f} %) in its Tier1 code")
    by_block = collections.Counter()
    for index, count in hits.items():
        by_block[instructions[index][2]] += count
    for block, count in by_block.most_common(8):
        print(f"\n{block}: {count} samples ({100 * count / max(1, total):.1f} % of the method)")
        for index, (offset, text, owner) in enumerate(instructions):
            if owner == block:
                print(f"  {hits.get(index, 0):6d}  {offset:5x}  {text}")


if __name__ == "__main__":
    main()
