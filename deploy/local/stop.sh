#!/usr/bin/env bash
# Stops a job on the local cluster with a savepoint and prints the savepoint's path.
#   deploy/local/stop.sh <job-id>            stop for an upgrade or a restart; resume with
#                                            OMNI_FLINK_RUN_OPTS="-s <path>" submit.sh stream ...
#   deploy/local/stop.sh <job-id> --drain    end the job for good: the watermark jumps to the end,
#                                            so every open journey, window and pattern is flushed
# Savepoints go to $OMNI_LOCAL_WORK/savepoints (or OMNI_SAVEPOINT_DIR).
source "$(dirname "$0")/common.sh"
job="${1:-}"
[[ "$job" =~ ^[0-9a-f]{32}$ ]] || { echo "usage: $0 <job-id> [--drain]" >&2; exit 2; }
drain=()
[[ "${2:-}" == --drain ]] && drain=(--drain)
dir="${OMNI_SAVEPOINT_DIR:-file://$WORK/savepoints}"
out="$("$LOCAL_DIR/flink.sh" stop "${drain[@]}" --savepointPath "$dir" "$job" 2>&1)" || {
  echo "$out" >&2
  die "stopping job $job with a savepoint failed"
}
path="$(echo "$out" | sed -n 's/.*Savepoint completed\. Path: \(.*\)$/\1/p' | tail -1)"
[[ -n "$path" ]] || { echo "$out" >&2; die "no savepoint path in the Flink CLI's answer"; }
log "job $job stopped${drain:+ and drained}; savepoint: $path"
echo "$path"
