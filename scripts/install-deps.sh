#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the local run need, only when missing.
# Safe to run repeatedly; needs root (or passwordless sudo) the first time on a fresh machine.
set -euo pipefail

packages=(
  pkg-config
  librdkafka-dev   # Kafka client library (our binding wraps it)
  libpq-dev        # PostgreSQL client library (our binding wraps it)
  postgresql       # a local server for tests and `make run`
  kcat             # a Kafka client we did not write, for interoperability tests and benchmarks
  python3-jsonschema  # an independent JSON Schema validator, to check our schemas
  python3-websockets  # the stream README's Python client, which a test runs
  python3-kafka    # kafka-python, a Kafka client we did not write: reads record headers in the tests
  python3-venv     # a venv for schemathesis (PyPI), the OpenAPI fuzzer scripts/openapi-fuzz.sh runs
  openssl          # certificates for the TLS configuration tests
  procps           # pkill/ps used by scripts
  curl             # readiness checks in scripts/run.sh
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}" >&2
