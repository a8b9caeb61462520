#!/usr/bin/env bash
# A single-node Kafka KRaft broker (broker and controller in one JVM) from Maven jars.
#   deploy/local/kafka.sh start    start it (idempotent) and wait until it accepts clients
#   deploy/local/kafka.sh stop     stop it by its PID
#   deploy/local/kafka.sh status
# Data in $OMNI_LOCAL_WORK/kafka-data, log in $OMNI_LOCAL_WORK/logs/kafka.log.
source "$(dirname "$0")/common.sh"

CONF="$WORK/kafka/server.properties"
DATA="$WORK/kafka-data"

write_config() {
  mkdir -p "$(dirname "$CONF")" "$DATA"
  cat >"$CONF" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA
num.partitions=1
# One broker: every internal topic has one replica, or offset commits and transactions hang.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# Replays carry old event times: time-based retention would delete them at once.
log.retention.ms=-1
# Topics are created explicitly (deploy/local/topics.sh), before the job starts.
auto.create.topics.enable=false
PROPS
  cat >"$WORK/kafka/log4j2.properties" <<PROPS
rootLogger.level=INFO
rootLogger.appenderRef.out.ref=out
appender.out.type=Console
appender.out.name=out
appender.out.layout.type=PatternLayout
appender.out.layout.pattern=%d{ISO8601} %-5p %c{1} - %m%n
PROPS
  sed -e 's/^rootLogger.level=INFO/rootLogger.level=WARN/' -e '$a appender.out.target=SYSTEM_ERR' \
    "$WORK/kafka/log4j2.properties" >"$WORK/kafka/tools-log4j2.properties"
}

start() {
  if alive kafka; then
    log "Kafka is already running (PID $(cat "$PIDS/kafka.pid")) on $BOOTSTRAP"
    return 0
  fi
  if listening "$KAFKA_PORT"; then
    die "port $KAFKA_PORT is taken by another process; set OMNI_KAFKA_PORT"
  fi
  ensure_lib kafka-lib
  write_config
  if [[ ! -f "$DATA/meta.properties" ]]; then
    local id
    id="$("$JAVA" -cp "$KAFKA_LIB/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
    "$JAVA" -cp "$KAFKA_LIB/*" -Dlog4j2.configurationFile="$WORK/kafka/tools-log4j2.properties" \
      kafka.tools.StorageTool format -t "$id" -c "$CONF" --standalone \
      >"$LOGS/kafka-format.log" 2>&1 || die "formatting the Kafka storage failed; see $LOGS/kafka-format.log"
  fi
  start_process kafka kafka.log "$JAVA" -Xms512m -Xmx512m -XX:+UseG1GC \
    -Dlog4j2.configurationFile="$WORK/kafka/log4j2.properties" \
    -cp "$KAFKA_LIB/*" kafka.Kafka "$CONF"
  if ! wait_for 60 listening "$KAFKA_PORT"; then
    stop_process kafka
    die "Kafka did not start within 60 s; see $LOGS/kafka.log"
  fi
  log "Kafka is up on $BOOTSTRAP (PID $(cat "$PIDS/kafka.pid")); log: $LOGS/kafka.log"
}

case "${1:-}" in
  start) start ;;
  stop) stop_process kafka ;;
  status)
    if alive kafka; then echo "Kafka running (PID $(cat "$PIDS/kafka.pid")) on $BOOTSTRAP"
    else echo "Kafka not running"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
