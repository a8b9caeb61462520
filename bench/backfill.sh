#!/usr/bin/env bash
# Times the backfill against the single-thread baseline, side by side, on the same generated input.
#
# Usage: bench/backfill.sh [--events N] [--runs R] [--baseline PATH] [--work DIR] [--only LIST]
#   --events N      records to generate (default 1000000; 90 days, no broken records)
#   --runs R        rounds; each round runs every command once, in turn (default 3)
#   --baseline PATH the baseline's run.sh (default ../shared/perf-baseline/run.sh next to the repo)
#   --work DIR      where the input and outputs go (default /tmp/omni-bench)
#   --only LIST     comma-separated subset of: baseline,p1,p2,core1,core2 (default all)
#   --baseline-heap SIZE  -Xmx for the baseline only (it keeps every event in memory: at 10M
#                   records it needs more than the default quarter of 24 GiB); the job always
#                   runs with the default heap
#
# Commands, each a whole process timed by /usr/bin/time (wall seconds and peak RSS):
#   baseline  the baseline program (decode, dedup, stitching, journeys, events+journeys Parquet)
#   p1, p2    `backfill --parallelism 1|2`, all analytics (every table, 12 patterns, 10 models)
#   core1/2   the core alone: one pattern, --attribution-models none
# Prints every run, then per command the median wall time, peak RSS and input records/s, and the
# ratios of medians (baseline time / command time = the command's throughput relative to the
# baseline; p2 / p1 = the parallel speed-up). Nothing here is asserted: the machine may be noisy.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
events=1000000
runs=3
baseline="$here/../shared/perf-baseline/run.sh"
work=/tmp/omni-bench
only=baseline,p1,p2,core1,core2
baseline_heap=
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --baseline) baseline=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --baseline-heap) baseline_heap=$2; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
jar="$here/jobs/target/omnichannel-monitor.jar"
[ -f "$jar" ] || (cd "$here" && mvn -B -q -DskipTests package)
export OMNI_HMAC_KEY=${OMNI_HMAC_KEY:-bench-hmac-key-0123456789abcdef}
input="$work/g$events"
if [ ! -d "$input/events" ]; then
  java -jar "$jar" generate --output "$input" --events "$events" --days 90 --no-ground-truth
fi
records=$(cat "$input"/events/*.jsonl | wc -l)
core="$work/core-patterns.yaml"
cat >"$core" <<'EOF'
# The core benchmark: only CART_ABANDONED of the built-in patterns.
patterns:
  - {name: BROWSE_ABANDON_CHAT_PURCHASE, enabled: false}
  - {name: RESEARCH_ONLINE_BUY_OFFLINE, enabled: false}
  - {name: SHOWROOMING, enabled: false}
  - {name: EMAIL_RECOVERY, enabled: false}
  - {name: REPEAT_CONTACT, enabled: false}
  - {name: FAILED_SELF_SERVICE, enabled: false}
  - {name: CHANNEL_HOP, enabled: false}
  - {name: UNRESOLVED_CONTACT, enabled: false}
  - {name: POST_PURCHASE_CONTACT, enabled: false}
  - {name: NEGATIVE_SENTIMENT, enabled: false}
  - {name: ERROR_THEN_ABANDON, enabled: false}
EOF
if [[ ",$only," == *",baseline,"* ]]; then
  "$baseline" --build >/dev/null
fi

command_of() {
  case "$1" in
    baseline) echo "env ${baseline_heap:+JAVA_TOOL_OPTIONS=-Xmx$baseline_heap} $baseline $input/events $work/out-baseline" ;;
    p1) echo "java -jar $jar backfill --input $input/events --output $work/out-p1 --parallelism 1" ;;
    p2) echo "java -jar $jar backfill --input $input/events --output $work/out-p2 --parallelism 2" ;;
    core1) echo "java -jar $jar backfill --input $input/events --output $work/out-core1 --parallelism 1 --patterns $core --attribution-models none" ;;
    core2) echo "java -jar $jar backfill --input $input/events --output $work/out-core2 --parallelism 2 --patterns $core --attribution-models none" ;;
  esac
}

results="$work/results-$events.tsv"
: >"$results"
IFS=, read -r -a names <<<"$only"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; java: $(java -version 2>&1 | head -1)"
echo "input: $records records ($input/events)"
for r in $(seq 1 "$runs"); do
  for n in "${names[@]}"; do
    rm -rf "$work/out-$n"
    cmd=$(command_of "$n")
    /usr/bin/time -f "%e %M" -o "$work/time.txt" $cmd >"$work/log-$n.txt" 2>&1 || {
      echo "$n failed: see $work/log-$n.txt" >&2; exit 1; }
    read -r wall rss <"$work/time.txt"
    printf "%s\t%s\t%s\t%s\n" "$r" "$n" "$wall" "$rss" >>"$results"
    printf "run %d  %-8s %7.1f s  %6.0f MiB\n" "$r" "$n" "$wall" "$(echo "$rss / 1024" | bc -l)"
  done
done
python3 - "$results" "$records" <<'PY'
import sys, statistics, collections
rows = [l.split('\t') for l in open(sys.argv[1]).read().splitlines()]
records = int(sys.argv[2])
wall = collections.defaultdict(list); rss = collections.defaultdict(list)
for r, n, w, m in rows:
    wall[n].append(float(w)); rss[n].append(int(m))
med = {n: statistics.median(v) for n, v in wall.items()}
print(f"\n{'command':10} {'median wall':>12} {'records/s':>12} {'peak RSS':>10}")
for n in wall:
    print(f"{n:10} {med[n]:10.1f} s {records / med[n]:12,.0f} {statistics.median(rss[n]) / 1024:8,.0f} MiB")
if 'baseline' in med:
    for n in med:
        if n != 'baseline':
            print(f"{n} throughput / baseline: {med['baseline'] / med[n]:.3f}")
for a, b in (('p2', 'p1'), ('core2', 'core1')):
    if a in med and b in med:
        print(f"{a} wall / {b} wall: {med[a] / med[b]:.3f}")
PY
