#!/usr/bin/env bash
# One-thread generation in tokens per CPU-second, vtc-java beside llama.cpp, for a machine that
# other work keeps busy (wall-clock rates then measure the scheduler, not the engines).
#
#   scripts/decode-cpu.sh MODELS LLAMA_BENCH F16.gguf Q8_0.gguf
#
# MODELS holds llava-mini-f16 (./vtc make-model --preset llava-mini --dtype f16); the GGUF files are a
# decoder of the same shape (TinyLlama-1.1B) in F16 and Q8_0. llama.cpp's CPU time per token is the
# difference between a 33-token and a 1-token llama-bench run (model load cancels out), best of 3.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
source "$root/scripts/jdk25.sh"
models=$1 bench=$2 f16=$3 q8=$4
(cd "$root" && mvn -B -q -ntp -DskipTests package -pl jmh -am) >&2
echo "load before: $(cat /proc/loadavg)"
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC \
  -Xmx2g -Dvtc.models="$models" -cp "$root/target/vtc-jmh/benchmarks.jar" vtc.jmh.stages.DecodeCpuTime AS_STORED Q8_0 \
  2>/dev/null | grep '^RESULT'
cpu_seconds() { # gguf tokens
  local TIMEFORMAT='%U %S' t
  t=$( { time "$bench" -m "$1" -p 0 -n "$2" -t 1 -mmp 0 -r 1 -o jsonl > /dev/null 2>&1; } 2>&1 )
  echo "$t" | awk '{ print $1 + $2 }'
}
for gguf in "$f16" "$q8"; do
  best=""
  for round in 1 2 3; do
    per=$(awk -v a="$(cpu_seconds "$gguf" 33)" -v b="$(cpu_seconds "$gguf" 1)" 'BEGIN { print (a - b) / 32 }')
    best=$(awk -v p="$per" -v b="${best:-1e9}" 'BEGIN { print (p < b ? p : b) }')
  done
  awk -v g="$(basename "$gguf")" -v s="$best" \
    'BEGIN { printf "RESULT llama.cpp %s 1 thread: %.1f ms CPU per token = %.2f tokens per CPU-second\n", g, s * 1000, 1 / s }'
done
echo "load after: $(cat /proc/loadavg)"
