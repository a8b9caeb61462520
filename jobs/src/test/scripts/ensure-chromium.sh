#!/usr/bin/env bash
# Installs Debian's Chromium for the report's browser test (ReportITCase) when it is missing.
# Bound to pre-integration-test in jobs/pom.xml, so `mvn -B verify` on a fresh machine works.
set -u
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
echo "ensure-chromium: chromium not found, installing Debian's chromium package ..."
SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium; } >/tmp/ensure-chromium.log 2>&1; then
  tail -20 /tmp/ensure-chromium.log >&2
  echo "ensure-chromium: FAILED to install chromium with apt-get (see above); the report browser test needs it" >&2
  exit 1
fi
command -v chromium >/dev/null 2>&1 || { echo "ensure-chromium: chromium still not on PATH after install" >&2; exit 1; }
echo "ensure-chromium: $(chromium --version 2>/dev/null)"
