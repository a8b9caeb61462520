#!/usr/bin/env bash
# Creates the job's topics on the local broker (idempotent): events (3 partitions), alerts and
# dead-letters, or the NAME:PARTITIONS given. Create topics before submitting the stream job:
# its Kafka source fails on a topic that does not exist.
#   deploy/local/topics.sh [NAME:PARTITIONS ...]
source "$(dirname "$0")/common.sh"
ensure_lib kafka-lib
if (($# == 0)); then set -- events:3 alerts:1 dead-letters:1; fi
"$JAVA" -cp "$KAFKA_LIB/*" -Dlog4j2.configurationFile="$WORK/kafka/tools-log4j2.properties" \
  "$LOCAL_DIR/Topics.java" "$BOOTSTRAP" "$@" 2>>"$LOGS/topics.log" \
  || die "creating topics failed; see $LOGS/topics.log"
