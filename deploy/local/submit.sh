#!/usr/bin/env bash
# Submits the job to the local session cluster with the Flink command line.
#   deploy/local/submit.sh stream [stream flags...]      detached; prints the job id
#   deploy/local/submit.sh backfill [backfill flags...]  waits for the backfill to finish
# Defaults (each used only when the flag is not given): the local broker, topics events, alerts
# and dead-letters, --output $OMNI_LOCAL_WORK/output, checkpoints in $OMNI_LOCAL_WORK/checkpoints,
# --run-id local-stream, and a pseudonymisation key: $OMNI_HMAC_KEY if set, else a key file made
# once in $OMNI_LOCAL_WORK/hmac.key. Extra Flink `run` options go in OMNI_FLINK_RUN_OPTS, e.g.
# OMNI_FLINK_RUN_OPTS="-s file:///path/to/savepoint" to resume from a savepoint.
source "$(dirname "$0")/common.sh"
ensure_job_jar
mode="${1:-}"
[[ "$mode" == stream || "$mode" == backfill ]] || { echo "usage: $0 stream|backfill [flags...]" >&2; exit 2; }
shift
args=("$@")

has() {
  local a
  for a in "${args[@]}"; do [[ "$a" == "$1" || "$a" == "$1="* ]] && return 0; done
  return 1
}
default() { has "$1" || args+=("$1" "$2"); }

if [[ -z "${OMNI_HMAC_KEY:-}" ]] && ! has --hmac-key-file; then
  if [[ ! -f "$WORK/hmac.key" ]]; then
    head -c 32 /dev/urandom | base64 >"$WORK/hmac.key"
    chmod 600 "$WORK/hmac.key"
    log "made a pseudonymisation key for this machine: $WORK/hmac.key (keep it: a new key gives new person ids)"
  fi
  args+=(--hmac-key-file "$WORK/hmac.key")
fi
default --output "$WORK/output"

# shellcheck disable=SC2206 # options are meant to split
run_opts=(${OMNI_FLINK_RUN_OPTS:-})
if [[ "$mode" == stream ]]; then
  default --bootstrap-servers "$BOOTSTRAP"
  has --topic-pattern || default --topic events
  default --alerts-topic alerts
  default --dlq-topic dead-letters
  default --checkpoint-dir "file://$WORK/checkpoints"
  default --run-id local-stream
  out="$("$LOCAL_DIR/flink.sh" run -d "${run_opts[@]}" "$JOB_JAR" stream "${args[@]}" 2>&1)" || {
    echo "$out" >&2
    die "submitting the stream job failed"
  }
  echo "$out" >>"$LOGS/submit.log"
  job="$(echo "$out" | sed -n 's/.*JobID \([0-9a-f]\{32\}\).*/\1/p' | head -1)"
  [[ -n "$job" ]] || { echo "$out" >&2; die "no job id in the Flink CLI's answer"; }
  log "stream job $job submitted; web UI http://127.0.0.1:$FLINK_PORT/#/job/running/$job/overview"
  echo "$job"
else
  "$LOCAL_DIR/flink.sh" run "${run_opts[@]}" "$JOB_JAR" backfill "${args[@]}"
fi
