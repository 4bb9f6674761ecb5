#!/usr/bin/env bash
# Builds every module and runs the whole test suite (unit, golden conformance, bad input, fuzz, concurrency).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/jdk25.sh
exec mvn -B -ntp verify "$@"
