#!/usr/bin/env bash
# Produces generated events to the local broker's `events` topic (Avro binary, with planted
# duplicates, lateness and broken records), and writes the same events and the generator's
# ground truth as files under --output (default $OMNI_LOCAL_WORK/generated).
#   deploy/local/produce.sh [generate flags...]    e.g. --customers 500 --days 30 --seed 7
source "$(dirname "$0")/common.sh"
ensure_job_jar
args=("$@")
has() {
  local a
  for a in "${args[@]}"; do [[ "$a" == "$1" || "$a" == "$1="* ]] && return 0; done
  return 1
}
has --kafka || args+=(--kafka "$BOOTSTRAP")
has --topic || args+=(--topic events)
has --output || args+=(--output "$WORK/generated")
exec "$JAVA" -jar "$JOB_JAR" generate "${args[@]}"
