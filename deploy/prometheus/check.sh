#!/usr/bin/env bash
# Checks the Prometheus configuration and alert rules, and runs the alerts' unit tests, with
# promtool from Debian's prometheus package (installed here when missing).
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v promtool >/dev/null; then
  echo "prometheus: installing Debian's prometheus package for promtool" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  # The package starts a Prometheus server of its own; this machine only needs promtool.
  (systemctl stop prometheus || service prometheus stop || pkill -x prometheus) >/dev/null 2>&1 || true
fi
promtool check config prometheus.yml
promtool check rules alerts.yml
promtool test rules alerts_test.yml
