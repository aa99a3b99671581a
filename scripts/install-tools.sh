#!/usr/bin/env bash
# Installs the upstream validators the tests run: promtool and amtool (Debian's prometheus and
# prometheus-alertmanager) and prometheus-blackbox-exporter (--config.check). Debian/Ubuntu; uses sudo when not root.
# The packages' services are not started by the tests.
set -euo pipefail
if command -v promtool >/dev/null && command -v amtool >/dev/null && command -v prometheus-blackbox-exporter >/dev/null; then
  echo "promtool, amtool and prometheus-blackbox-exporter are installed"
  exit 0
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager prometheus-blackbox-exporter >/dev/null
promtool --version | sed -n 1p
