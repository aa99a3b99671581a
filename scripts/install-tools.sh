#!/usr/bin/env bash
# Builds the upstream programs the stack deploys (prometheus, promtool, alertmanager, amtool, blackbox_exporter,
# jaeger, otelcol) and the kube-score manifest linter from their Go modules, at exactly the releases in
# src/versions.ts (TOOL_BUILDS), cached outside the clone and linked into .tools/bin/. See scripts/install-tools.ts.
# Needs Go (1.24+) with a Go module proxy, and node_modules (npm ci). Options: --only name,name; --check.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v go >/dev/null; then
  echo "install-tools: the Go toolchain (go) is not on PATH; install Go 1.24 or later" >&2
  exit 1
fi
if [ ! -x node_modules/.bin/tsx ]; then
  echo "== npm ci (install-tools reads src/versions.ts with tsx)"
  npm ci --no-audit --no-fund
fi
exec node_modules/.bin/tsx scripts/install-tools.ts "$@"
