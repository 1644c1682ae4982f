#!/usr/bin/env bash
# Runs the whole test suite (the README's second command): installs the Debian packages the tests use if they
# are missing, then `mvn -B verify` (arguments are passed on, e.g. deploy/test.sh -pl serving).
#
#   redis-server       the Redis tests start their own server; the local stack uses it too
#   chromium, chromium-driver   the dashboard test drives a headless browser (Selenium)
#   curl, python3      deploy/stack.sh health checks, deploy/bench.sh
#   openssl            deploy/stack.sh up --tls makes the certificates of its TLS-only Redis and PostgreSQL
#   postgresql         the PostgreSQL sink's tests start their own servers (deploy/stack.sh start postgres)
#   prometheus         promtool checks and unit-tests the alert rules; the Prometheus end-to-end test runs it
#   nodejs, npm        the Kubernetes manifests' offline validator (deploy/kubernetes/validate, packages from npm)
# Kafka and Flink come from Maven Central through deploy/stack.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for need in redis-server:redis-server chromium:chromium chromedriver:chromium-driver curl:curl python3:python3 openssl:openssl promtool:prometheus node:nodejs npm:npm; do
  command -v "${need%%:*}" >/dev/null 2>&1 || missing+=("${need#*:}")
done
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test: installing ${missing[*]} (Debian packages)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -d ../shared/data ]; then
  echo "test: ../shared/data is missing: the real-sample and end-to-end tests read the ad log samples from there" >&2
  exit 1
fi
exec mvn -B verify "$@"
