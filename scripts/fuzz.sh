#!/usr/bin/env bash
# Longer coverage-guided fuzzing of the loaders (Jazzer through JUnit, module fuzz/).
#
#   scripts/fuzz.sh [-d DURATION] [TARGET ...]
#
# DURATION is per target, in Jazzer's notation (30s, 10m, 1h; default 5m). TARGETs are fuzz test
# classes of fuzz/src/test/java/vtc/fuzz (default: all of them). Each target runs in its own JVM,
# because Jazzer fuzzes a single @FuzzTest per JVM.
#
# Inputs that reach new code accumulate in fuzz/.cifuzz-corpus/<class>/<method>/ (git-ignored);
# copy the interesting ones into fuzz/src/test/resources/vtc/fuzz/<Class>Inputs/<method>/ to make
# them seeds. A crashing input is written next to the seeds as crash-<sha1>, where every later
# `mvn test` replays it: commit it with the fix. The normal test suite fuzzes each target for a few
# seconds only; JAZZER_FUZZ= (empty) replays the corpora without fuzzing.
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/jdk25.sh

duration=5m
if [[ "${1:-}" == "-d" ]]; then
  duration="$2"
  shift 2
fi
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <(grep -l '@FuzzTest' fuzz/src/test/java/vtc/fuzz/*.java | xargs -n1 basename | sed 's/\.java$//')
fi

# A build folder of its own, so that a long run does not clobber anyone's target/.
build="${VTC_FUZZ_TARGET:-${TMPDIR:-/tmp}/vtc-fuzz-build}"
failed=()
for target in "${targets[@]}"; do
  echo "== fuzzing ${target} for ${duration}"
  # JAZZER_MAX_DURATION overrides @FuzzTest(maxDuration); surefire passes the environment to its fork.
  if ! JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${duration}" mvn -B -q -ntp -Dvtc.target="${build}" -Dvtc.fuzz=1 \
      -pl fuzz -am test -Dtest="${target}" -Dsurefire.failIfNoSpecifiedTests=false; then
    failed+=("${target}")
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "findings in: ${failed[*]} (see the crash-* files under fuzz/src/test/resources/vtc/fuzz/)"
  exit 1
fi
echo "no findings in ${#targets[@]} targets"
