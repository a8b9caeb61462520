#!/usr/bin/env bash
# A real Flink 2.2 session cluster from Maven jars: a JobManager and a TaskManager, each its own
# JVM, every address on 127.0.0.1, web UI and REST API on http://127.0.0.1:$OMNI_FLINK_PORT.
#   deploy/local/cluster.sh start    start it (idempotent) and wait until a TaskManager registered
#   deploy/local/cluster.sh stop     stop both by their PIDs
#   deploy/local/cluster.sh status
# Configuration in $OMNI_LOCAL_WORK/flink-conf/config.yaml (written on start; put your own
# settings in deploy/local/flink-extra.yaml, appended to it), logs in $OMNI_LOCAL_WORK/logs.
source "$(dirname "$0")/common.sh"

CONF_DIR="$WORK/flink-conf"

write_config() {
  mkdir -p "$CONF_DIR" "$WORK/flink-tmp"
  cat >"$CONF_DIR/config.yaml" <<YAML
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $FLINK_RPC_PORT
jobmanager.bind-host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.host: 127.0.0.1
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $FLINK_PORT
# Sizes that fit a 2-core, 24 GiB machine next to a Kafka broker.
jobmanager.memory.process.size: 1600m
taskmanager.memory.process.size: $TM_MEMORY
taskmanager.numberOfTaskSlots: $TM_SLOTS
# A backfill runs in BATCH mode with many blocking exchanges: give the network stack room.
taskmanager.memory.network.fraction: 0.2
taskmanager.memory.network.min: 512m
parallelism.default: 2
io.tmp.dirs: $WORK/flink-tmp
web.submit.enable: true
web.cancel.enable: true
# Metrics: every job metric (events in, dead letters, late events, duplicates, matches, alerts,
# Kafka lag) is in the web UI and on the REST API under /jobs/<id>/vertices/<id>/metrics.
metrics.latency.interval: 0
YAML
  if [[ -f "$LOCAL_DIR/flink-extra.yaml" ]]; then
    cat "$LOCAL_DIR/flink-extra.yaml" >>"$CONF_DIR/config.yaml"
  fi
  cat >"$CONF_DIR/log4j.properties" <<'PROPS'
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
appender.file.type=File
appender.file.name=file
appender.file.fileName=${sys:log.file}
appender.file.append=false
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
logger.kafka.name=org.apache.kafka
logger.kafka.level=WARN
logger.collision.name=org.apache.kafka.common.metrics
logger.collision.level=ERROR
PROPS
  cat >"$CONF_DIR/log4j-cli.properties" <<'PROPS'
rootLogger.level=WARN
rootLogger.appenderRef.err.ref=err
appender.err.type=Console
appender.err.name=err
appender.err.target=SYSTEM_ERR
appender.err.layout.type=PatternLayout
appender.err.layout.pattern=%d{HH:mm:ss,SSS} %-5p %c{1} - %m%n
# It looks for YARN support, which a standalone cluster does not need.
logger.cli.name=org.apache.flink.client.cli.CliFrontend
logger.cli.level=ERROR
PROPS
}

# The JVM flags Flink's scripts compute from the memory configuration ("JM" or "TM").
resource_params() {
  local out
  out="$("$JAVA" -cp "$FLINK_LIB/*" org.apache.flink.runtime.util.bash.BashJavaUtils \
    "GET_$1_RESOURCE_PARAMS" --configDir "$CONF_DIR" 2>/dev/null | grep '^BASH_JAVA_UTILS_EXEC_RESULT:')" \
    || die "could not compute the $1 memory settings from $CONF_DIR/config.yaml"
  echo "$out" | sed -n '1s/^BASH_JAVA_UTILS_EXEC_RESULT://p'
  echo "$out" | sed -n '2s/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

rest() { curl -sf --max-time 5 "http://127.0.0.1:$FLINK_PORT$1"; }

taskmanager_registered() {
  rest /taskmanagers 2>/dev/null | grep -q '"id"'
}

start() {
  if alive jobmanager && alive taskmanager; then
    log "Flink is already running: web UI http://127.0.0.1:$FLINK_PORT"
    return 0
  fi
  alive jobmanager || ! listening "$FLINK_PORT" \
    || die "port $FLINK_PORT is taken by another process; set OMNI_FLINK_PORT"
  ensure_lib flink-lib
  write_config
  local jvm dynamic
  if ! alive jobmanager; then
    { read -r jvm; read -r dynamic; } < <(resource_params JM)
    # shellcheck disable=SC2086 # the flags are meant to split
    start_process jobmanager jobmanager.out "$JAVA" $jvm $JAVA_MODULE_OPTS \
      -Dlog.file="$LOGS/jobmanager.log" -Dlog4j.configurationFile="file:$CONF_DIR/log4j.properties" \
      -cp "$FLINK_LIB/*" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
      --configDir "$CONF_DIR" $dynamic
  fi
  if ! alive taskmanager; then
    { read -r jvm; read -r dynamic; } < <(resource_params TM)
    # shellcheck disable=SC2086
    start_process taskmanager taskmanager.out "$JAVA" $jvm $JAVA_MODULE_OPTS \
      -Dlog.file="$LOGS/taskmanager.log" -Dlog4j.configurationFile="file:$CONF_DIR/log4j.properties" \
      -cp "$FLINK_LIB/*" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
      --configDir "$CONF_DIR" $dynamic
  fi
  if ! wait_for 90 taskmanager_registered; then
    die "the cluster did not come up within 90 s; see $LOGS/jobmanager.log and $LOGS/taskmanager.log"
  fi
  log "Flink is up: web UI http://127.0.0.1:$FLINK_PORT (JobManager PID $(cat "$PIDS/jobmanager.pid"), TaskManager PID $(cat "$PIDS/taskmanager.pid")); logs in $LOGS"
}

case "${1:-}" in
  start) start ;;
  stop)
    stop_process taskmanager
    stop_process jobmanager ;;
  status)
    if alive jobmanager && alive taskmanager && taskmanager_registered; then
      echo "Flink running: web UI http://127.0.0.1:$FLINK_PORT"
      rest /overview; echo
    else
      echo "Flink not running"; exit 3
    fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
