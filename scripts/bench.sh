#!/usr/bin/env bash
# Stage and end-to-end benchmarks on 2 kernel threads, then bench/results.md from their medians.
#
#   scripts/bench.sh [extra JMH options]      e.g. scripts/bench.sh -wi 1 -i 2   (a quicker, noisier run)
#
# Creates the random-weight models it needs under target/models (llava-mini F16: 2.8 GB, seconds;
# llava-1.5-7b F16: 14 GB, about a minute), runs the JMH suites vtc.jmh.stages and vtc.jmh.endtoend
# (about 15 minutes on 2 cores; every benchmark forks its own JVM with -Xmx2g), times the 7B model once
# more with `vtc bench` under -Xmx2g for the stage split, and writes the table to bench/results.md and
# into the README's performance section.
# Environment: VTC_MODELS (model folder), VTC_BENCH_BUILD (build output folder), VTC_BENCH_OUT (raw results).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
source "$root/scripts/jdk25.sh"
models="${VTC_MODELS:-$root/target/models}"
build="${VTC_BENCH_BUILD:-$root/target}"
out="${VTC_BENCH_OUT:-$root/target/bench}"
threads=2
mkdir -p "$models" "$out" "$root/bench"

echo "bench: building the benchmark jar…" >&2
(cd "$root" && mvn -B -q -ntp -Dvtc.target="$build" -DskipTests package -pl jmh -am) >&2
jar="$build/vtc-jmh/benchmarks.jar"
java=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC)

make_model() { # preset dtype directory
  if [ ! -f "$models/$3/config.json" ]; then
    echo "bench: writing $3 (random weights)…" >&2
    "${java[@]}" -Xmx1g -cp "$jar" vtc.tools.Main make-model --preset "$1" --dtype "$2" --out "$models/$3" >&2
  fi
}
make_model llava-mini f16 llava-mini-f16
make_model llava-1.5-7b f16 llava-1.5-7b-f16

# Other work on the machine skews every figure: the load average is recorded next to the results.
echo "before the JMH suites: $(cat /proc/loadavg)" > "$out/load.txt"
echo "bench: JMH stage and end-to-end suites…" >&2
"${java[@]}" -Dvtc.models="$models" -jar "$jar" 'vtc\.jmh\.(stages|endtoend)\.' \
  -p threads=$threads -foe true -rf json -rff "$out/results.json" "$@" | tee "$out/jmh.log"

echo "after the JMH suites: $(cat /proc/loadavg)" >> "$out/load.txt"
echo "bench: vtc bench on the 7B model with -Xmx2g…" >&2
"${java[@]}" -Xmx2g -cp "$jar" vtc.tools.Main bench --model "$models/llava-1.5-7b-f16" --keep 64 --runs 1 \
  --max-new-tokens 4 --threads $threads | tee "$out/vtc-bench-7b.txt"

echo "after vtc bench: $(cat /proc/loadavg)" >> "$out/load.txt"

"${java[@]}" -Dvtc.models="$models" -cp "$jar" vtc.jmh.endtoend.ResultsReport "$out/results.json" "$out/jmh.log" \
  "$out/vtc-bench-7b.txt" "$out/load.txt" "$root/bench/results.md" "scripts/bench.sh $*"

# The README's performance section shows the same table: everything between its bench markers is replaced.
awk -v results="$root/bench/results.md" '
  /<!-- bench:begin -->/ {
    print
    while ((getline line < results) > 0) {
      if (line ~ /^# /) continue
      sub(/^## /, "### ", line)
      print line
    }
    skip = 1
    next
  }
  /<!-- bench:end -->/ { skip = 0 }
  !skip { print }' "$root/README.md" > "$root/README.md.new" && mv "$root/README.md.new" "$root/README.md"
echo "bench: wrote bench/results.md and the README's performance section" >&2
