#!/usr/bin/env bash
# Fuzzes the job's input readers with Jazzer (coverage-guided, libFuzzer inside the JVM), one
# target after another, and prints per target the executions, the coverage and the findings.
#
# Usage: bench/fuzz.sh [--minutes N] [--only LIST] [--work DIR] [--heap SIZE] [--timeout S]
#   --minutes N   fuzzing time per target, in minutes (default 30; a real hang never ends, while the first run of a path may wait for Jazzer to instrument the classes it loads)
#   --only LIST   comma-separated subset of: json,avro,kafka,catalogue,pathcsv (default all)
#   --work DIR    where each target keeps its growing corpus, log and findings
#                 (default /tmp/omni-fuzz; a second run goes on from the corpus it left)
#   --heap SIZE   -Xmx of the fuzzing JVM (default 1g): an input that needs more is an
#                 out-of-memory finding
#   --timeout S   seconds one input may take before it counts as a hang (default 30: the first
#                 input down a new path waits while Jazzer instruments the classes it loads)
#
# Targets (the @FuzzTest methods under jobs/src/test/java; their committed seeds run as ordinary
# tests in `mvn verify`):
#   json       EventFilesFuzzTest#jsonLines   JSON Lines file (plain or gzip) -> reader -> JSON decoder
#   avro       EventFilesFuzzTest#avroFile    Avro container file -> reader -> Avro decoder
#   kafka      KafkaRecordFuzzTest#kafkaValue Kafka record value -> KafkaRecordFormat -> Avro decoder
#   catalogue  CatalogueFuzzTest#catalogue    pattern catalogue YAML -> parser -> CEP compiler
#   pathcsv    PathCsvFuzzTest#pathCsv        path CSV -> reader -> attribution models -> CSV
# The invariant each asserts: every input ends as accepted events and dead letters with a reason
# (or, for the catalogue and the CSV, a result or the command's own one-line error); never another
# exception, a hang (--timeout) or running out of memory (--heap).
#
# A finding is written to DIR/<target>/findings/ (crash-*, timeout-*, oom-*: the input; Crash_*.java:
# a reproducer). Fix it, then copy the input into the target's seed directory
# jobs/src/test/resources/dev/omnichannel/monitor/<package>/<Class>Inputs/<method>/ so it runs as a
# regression test. Needs the test classes: builds them (mvn test-compile) when they are missing.
# Exits 1 when any target had a finding.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
minutes=10
only=json,avro,kafka,catalogue,pathcsv
work=/tmp/omni-fuzz
heap=1g
timeout=30
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --heap) heap=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
case "$minutes" in
  '' | *[!0-9]*) echo "--minutes must be a whole number of minutes, got '$minutes'" >&2; exit 2 ;;
esac
[ "$minutes" -ge 1 ] || { echo "--minutes must be at least 1" >&2; exit 2; }

# target -> class, method, dictionary (jobs/src/test/resources/fuzz-dictionaries/, or -), the
# libraries to instrument for coverage feedback besides the project's classes
spec_of() {
  case "$1" in
    json) echo "dev.omnichannel.monitor.io.EventFilesFuzzTest jsonLines json.dict" ;;
    avro) echo "dev.omnichannel.monitor.io.EventFilesFuzzTest avroFile - org.apache.avro.**" ;;
    kafka) echo "dev.omnichannel.monitor.io.KafkaRecordFuzzTest kafkaValue - org.apache.avro.**" ;;
    catalogue) echo "dev.omnichannel.monitor.patterns.CatalogueFuzzTest catalogue yaml.dict org.yaml.snakeyaml.**,com.fasterxml.jackson.dataformat.yaml.**" ;;
    pathcsv) echo "dev.omnichannel.monitor.attribution.PathCsvFuzzTest pathCsv csv.dict" ;;
    *) return 1 ;;
  esac
}
count_findings() {
  find "$1" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \
    -o -name 'leak-*' \) | wc -l
}
IFS=, read -r -a targets <<<"$only"
for t in "${targets[@]}"; do
  spec_of "$t" >/dev/null || { echo "--only: unknown target '$t' (json,avro,kafka,catalogue,pathcsv)" >&2; exit 2; }
done

classes="$here/jobs/target/classes"
tests="$here/jobs/target/test-classes"
if [ ! -d "$tests/dev/omnichannel/monitor/io" ]; then
  (cd "$here" && mvn -B -q -pl jobs test-compile -Dspotless.check.skip=true)
fi
mkdir -p "$work"
(cd "$here" && mvn -B -q -pl jobs dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/classpath.txt" >/dev/null)
cp="$tests:$classes:$(cat "$work/classpath.txt")"

summary="$work/summary.tsv"
printf 'target\tfuzz_s\twall_s\texecutions\texec/s\tcov\tft\tcorpus\tfindings\n' >"$summary"
found=0
for t in "${targets[@]}"; do
  read -r class method dict extra <<<"$(spec_of "$t")"
  dict_arg=()
  if [ "$dict" != - ]; then
    dict_arg=(-dict="$here/jobs/src/test/resources/fuzz-dictionaries/$dict")
  fi
  dir="$work/$t"
  mkdir -p "$dir/corpus" "$dir/findings"
  seeds="$here/jobs/src/test/resources/$(dirname "${class//.//}")/$(basename "${class//.//}")Inputs/$method"
  log="$dir/fuzz-$(date +%Y%m%d-%H%M%S).log"
  echo "== $t: $class#$method for $minutes min (log: $log)"
  start=$(date +%s)
  before=$(count_findings "$dir/findings")
  set +e
  (cd "$dir" && java -Xmx"$heap" -XX:+UseParallelGC -cp "$cp" com.code_intelligence.jazzer.Jazzer \
    --target_class="$class" --target_method="$method" \
    --instrument="dev.omnichannel.**${extra:+,$extra}" \
    --keep_going=20 --reproducer_path="$dir/findings" \
    -max_total_time=$((minutes * 60)) -timeout="$timeout" -rss_limit_mb=8192 \
    -artifact_prefix="$dir/findings/" -print_final_stats=1 "${dict_arg[@]}" \
    "$dir/corpus" "$seeds") >"$log" 2>&1
  rc=$?
  set -e
  wall=$(($(date +%s) - start))
  stat() { grep -a -o -E "^stat::$1: *[0-9]+" "$log" | awk '{print $2}' | tail -1 || true; }
  done_line=$(grep -a -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1 || true)
  execs=$(stat number_of_executed_units)
  [ -n "$execs" ] || execs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$done_line")
  rate=$(stat average_exec_per_sec)
  secs=$(grep -a -o -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | awk '{print $5}' | tail -1 || true)
  cov=$(grep -o -E 'cov: [0-9]+' <<<"$done_line" | awk '{print $2}' || true)
  ft=$(grep -o -E 'ft: [0-9]+' <<<"$done_line" | awk '{print $2}' || true)
  corp=$(grep -o -E 'corp: [0-9]+/[0-9]+[a-zA-Z]*' <<<"$done_line" | awk '{print $2}' || true)
  findings=$(($(count_findings "$dir/findings") - before))
  if [ "$rc" -ne 0 ] && [ "$findings" -eq 0 ]; then
    findings="exit $rc"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "${secs:-?}" "$wall" "${execs:-?}" \
    "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$findings" >>"$summary"
  if [ "$findings" != 0 ]; then
    found=1
    grep -a -E '^== Java Exception|^== libFuzzer crashing input|^==[0-9]+== ERROR|^Caused by|^\s+at dev\.omnichannel' "$log" | head -20 || true
  fi
done
echo
echo "Fuzzing summary: fuzz_s = seconds fuzzed, wall_s = with JVM start and instrumentation;"
echo "cov = covered edges of the instrumented classes, ft = coverage features, corpus = inputs/bytes"
echo "kept, as libFuzzer counts them; findings = inputs that broke the invariant, hung or ran out"
echo "of memory (in $work/<target>/findings/)."
if command -v column >/dev/null; then
  column -t -s $'\t' "$summary"
else
  cat "$summary"
fi
exit "$found"
