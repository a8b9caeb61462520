#!/usr/bin/env bash
# The Flink command line (CliFrontend) against the local session cluster: any `flink` arguments.
#   deploy/local/flink.sh list
#   deploy/local/flink.sh stop --savepointPath file:///tmp/savepoints <job-id>
#   deploy/local/flink.sh run -d jobs/target/omnichannel-monitor.jar stream ...
source "$(dirname "$0")/common.sh"
ensure_lib flink-lib
CONF_DIR="$WORK/flink-conf"
[[ -f "$CONF_DIR/config.yaml" ]] || die "no cluster configuration: run deploy/local/cluster.sh start first"
export FLINK_CONF_DIR="$CONF_DIR"
mkdir -p "$WORK/flink-plugins"
export FLINK_PLUGINS_DIR="$WORK/flink-plugins"
export FLINK_LIB_DIR="$FLINK_LIB"
# shellcheck disable=SC2086
exec "$JAVA" $JAVA_MODULE_OPTS -Dlog4j.configurationFile="file:$CONF_DIR/log4j-cli.properties" \
  -cp "$FLINK_LIB/*" org.apache.flink.client.cli.CliFrontend "$@"
