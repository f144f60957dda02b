#!/usr/bin/env bash
# Whole-process wall times of a command, start-up included, as medians; with a second command, the two alternate
# (A B A B ...) and the median of the pairwise ratios A/B is printed too, so a machine whose speed drifts during the
# measurement still gives a meaningful ratio. With --together each pair runs at the same time instead, so both see
# the same phase of a shared machine: for single-threaded commands on a machine with a core for each, where it gives
# far steadier ratios than alternating (both then share the memory system, which is what a cache-bound change is about).
# Output of the commands is discarded.
#
#   bench/time-whole.sh [-n RUNS] -- COMMAND [ARG ...]
#   bench/time-whole.sh [-n RUNS] [--together] --vs 'BASELINE COMMAND' -- COMMAND [ARG ...]
#
# e.g. bench/time-whole.sh -n 15 -- out/clustersim run experiments/vidur-llama2-70b.yaml -q -o /tmp/vidur
set -euo pipefail

runs=5
baseline=""
together=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) runs="$2"; shift 2 ;;
    --vs) baseline="$2"; shift 2 ;;
    --together) together=1; shift ;;
    --) shift; break ;;
    *) echo "usage: $0 [-n RUNS] [--together] [--vs 'BASELINE COMMAND'] -- COMMAND [ARG ...]" >&2; exit 2 ;;
  esac
done
[[ $# -gt 0 ]] || { echo "usage: $0 [-n RUNS] [--together] [--vs 'BASELINE COMMAND'] -- COMMAND [ARG ...]" >&2; exit 2; }
[[ $together -eq 0 || -n "$baseline" ]] || { echo "--together needs --vs" >&2; exit 2; }

seconds() {   # wall seconds of one run of the command given as arguments
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || { echo "command failed: $*" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.6f\n", e - s }' 
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

a_times=(); b_times=(); ratios=()
"$@" >/dev/null 2>&1 || true   # one warm-up run (file cache, JIT cache), not counted
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
for ((i = 0; i < runs; i++)); do
  if [[ $together -eq 1 ]]; then
    # shellcheck disable=SC2086  # the baseline is one string split into words, as a shell would
    seconds $baseline >"$scratch/b" & pid=$!
    a=$(seconds "$@"); wait "$pid"; b=$(cat "$scratch/b")
  else
    a=$(seconds "$@")
    # shellcheck disable=SC2086
    [[ -n "$baseline" ]] && b=$(seconds $baseline)
  fi
  a_times+=("$a")
  if [[ -n "$baseline" ]]; then
    b_times+=("$b")
    ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.6f\n", a / b }')")
  fi
done

printf 'A wall s, median of %d: %.3f\n' "$runs" "$(printf '%s\n' "${a_times[@]}" | median)"
if [[ -n "$baseline" ]]; then
  printf 'B wall s, median of %d: %.3f\n' "$runs" "$(printf '%s\n' "${b_times[@]}" | median)"
  printf 'A/B, median of the pairs: %.3f\n' "$(printf '%s\n' "${ratios[@]}" | median)"
fi
