# Shared settings and helpers of the deploy/local scripts. Sourced, not run.
#
# Everything a script starts writes its log to $OMNI_LOCAL_WORK/logs and its PID to
# $OMNI_LOCAL_WORK/pids; every port is on 127.0.0.1. Override with environment variables:
#   OMNI_LOCAL_WORK      working folder (default deploy/local/.work)
#   OMNI_FLINK_PORT      Flink REST API and web UI (default 8081)
#   OMNI_FLINK_RPC_PORT  JobManager RPC (default 6123)
#   OMNI_KAFKA_PORT      Kafka broker (default 9092)
#   OMNI_KAFKA_CONTROLLER_PORT  Kafka KRaft controller (default 9093)
#   OMNI_TM_MEMORY       TaskManager process size (default 4096m)
#   OMNI_TM_SLOTS        TaskManager slots (default 2)
set -euo pipefail

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$LOCAL_DIR/../.." && pwd)"
WORK="${OMNI_LOCAL_WORK:-$LOCAL_DIR/.work}"
mkdir -p "$WORK/logs" "$WORK/pids"
WORK="$(cd "$WORK" && pwd)"
LOGS="$WORK/logs"
PIDS="$WORK/pids"
FLINK_PORT="${OMNI_FLINK_PORT:-8081}"
FLINK_RPC_PORT="${OMNI_FLINK_RPC_PORT:-6123}"
KAFKA_PORT="${OMNI_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${OMNI_KAFKA_CONTROLLER_PORT:-9093}"
TM_MEMORY="${OMNI_TM_MEMORY:-4096m}"
TM_SLOTS="${OMNI_TM_SLOTS:-2}"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
JOB_JAR="${OMNI_JOB_JAR:-$REPO_DIR/jobs/target/omnichannel-monitor.jar}"
FLINK_LIB="$LOCAL_DIR/flink-lib/target/lib"
KAFKA_LIB="$LOCAL_DIR/kafka-lib/target/lib"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# The module flags Flink's own start scripts pass on Java 17.
JAVA_MODULE_OPTS="--add-exports=java.base/sun.net.util=ALL-UNNAMED \
--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED \
--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED \
--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED \
--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED \
--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Builds the lib folder of a module (flink-lib or kafka-lib) unless it is there already.
ensure_lib() {
  local module="$1" dir="$LOCAL_DIR/$1/target/lib"
  if ! compgen -G "$dir/*.jar" >/dev/null; then
    log "resolving $module jars from Maven (once)"
    mvn -B -q -f "$LOCAL_DIR/$module/pom.xml" package >"$LOGS/mvn-$module.log" 2>&1 \
      || die "mvn package of deploy/local/$module failed; see $LOGS/mvn-$module.log"
  fi
}

ensure_job_jar() {
  [[ -f "$JOB_JAR" ]] || die "no job jar at $JOB_JAR: run 'mvn -B -q -DskipTests package' first"
}

# True if the process in pid file $1 is alive.
alive() {
  local f="$PIDS/$1.pid"
  [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null
}

# True if something listens on 127.0.0.1:$1.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits up to $1 seconds for the command "${@:2}" to succeed.
wait_for() {
  local timeout="$1"; shift
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 1
  done
}

# Starts "${@:3}" in the background as $1, logging to $LOGS/$2.
start_process() {
  local name="$1" logfile="$LOGS/$2"; shift 2
  nohup "$@" >"$logfile" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

# Stops the process in pid file $1: TERM, then KILL after 20 s.
stop_process() {
  local name="$1" f="$PIDS/$1.pid"
  if ! alive "$name"; then
    rm -f "$f"
    log "$name is not running"
    return 0
  fi
  local pid; pid="$(cat "$f")"
  kill "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 20))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "$name ($pid) did not stop in 20 s; killing it"
      kill -9 "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  rm -f "$f"
  log "stopped $name ($pid)"
}
