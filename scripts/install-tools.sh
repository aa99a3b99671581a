#!/usr/bin/env bash
# Builds the upstream programs the stack deploys (prometheus, promtool, alertmanager, amtool, blackbox_exporter,
# jaeger, otelcol) and the kube-score manifest linter from their Go modules, at exactly the releases in
# src/versions.ts (TOOL_BUILDS), cached outside the clone and linked into .tools/bin/. See scripts/install-tools.ts.
# Needs Go (1.25+) with a Go module proxy, and node_modules (npm ci). Options: --only name,name; --check.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v go >/dev/null; then
  echo "install-tools: the Go toolchain (go) is not on PATH; install Go 1.25 or later (thanos 0.40.1 needs it)" >&2
  exit 1
fi
if [ ! -x node_modules/.bin/tsx ]; then
  echo "== npm ci (install-tools reads src/versions.ts with tsx)"
  npm ci --no-audit --no-fund
fi
# The database add-on tests (test/components/databases/live.tools.test.ts) run the exporters against real PostgreSQL,
# MariaDB and Redis servers on 127.0.0.1, started and stopped by the test: Debian 12's packages (about 20 s to install).
missing=""
for pkg in postgresql mariadb-server redis-server; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  echo "== Debian packages for the database tests:$missing"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  # shellcheck disable=SC2086
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null \
    || { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null; }
fi
exec node_modules/.bin/tsx scripts/install-tools.ts "$@"
