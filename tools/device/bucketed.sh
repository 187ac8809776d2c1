#!/bin/bash
# Issue 21's GPU figures in one device call (after tools/device/prepare.sh here; the call carries
# .devcheck): at Q=1024, D=128, k=10 and N = 100,000 and 1,000,000, ann4j's bucketed lowering at
# recall targets 0.9, 0.95 and 0.99 (k' as planned, and k' = 1, 2, 4 at 0.95), ann4j's fallback
# lowering (XLA's exact sort), and JAX's own approx_max_k at the same targets, all on the same
# seeded data: median execute time with the inputs resident, and recall against exact search.
# Writes bucketed.log, one JSON line per case (bucketed.jsonl) and the modules to $OUT.
# Usage: tools/device/bucketed.sh [N ...]   (default: 100000 1000000)
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
exec > >(tee "$OUT/bucketed.log") 2>&1
. "$(dirname "$0")/cuda_env.sh"
J=.devcheck/jre/bin/java
check() { # check OUTDIR ARGS...: one PjrtCheck run, its check.json appended to bucketed.jsonl
  local dir=$1; shift
  timeout 240 $J --enable-native-access=ALL-UNNAMED -XX:ErrorFile="$OUT/hs_err.log" -cp ".devcheck/lib/*" \
    io.ann4j.runtime.tpu.pjrt.PjrtCheck --plugin "$PLUGIN" --platform cuda --q 1024 --d 128 --k 10 --runs 10 \
    --out "$dir" "$@" | grep -v '^{'
  echo "PjrtCheck exit status ${PIPESTATUS[0]}"
  [ -f "$dir/check.json" ] && cat "$dir/check.json" >> "$OUT/bucketed.jsonl"
}
sizes=${*:-100000 1000000}
for n1 in $sizes; do
  base=/tmp/bucketed-$n1
  echo "== N=$n1: ann4j's fallback lowering (exact), writing the inputs and the exact answer once"
  check "$base-fallback" --n "$n1" --recall 0.95 --lowering fallback --write-inputs
  for t in 0.9 0.95 0.99; do
    echo "== N=$n1: ann4j's bucketed lowering at recall target $t"
    check "$base-bucketed-$t" --n "$n1" --recall "$t" --lowering bucketed --exact-from "$base-fallback"
  done
  for kp in 1 2 4; do
    echo "== N=$n1: bucketed at 0.95 with k' = $kp"
    check "$base-k$kp" --n "$n1" --recall 0.95 --lowering bucketed --bucket-k "$kp" --exact-from "$base-fallback"
  done
  cp "$base-bucketed-0.95/mips_cuda.mlir" "$OUT/mips_cuda_bucketed_$n1.mlir" 2>/dev/null
  echo "== N=$n1: JAX's approx_max_k on the same data"
  PYTHONUNBUFFERED=1 timeout 150 python3 "$(dirname "$0")/jax_bucketed.py" "$base-fallback" "$OUT/bucketed.jsonl"
  echo "jax_bucketed exit status $?"
  rm -f "$base-fallback"/db.npy "$base-fallback"/qy.npy
done
echo "== summary"
python3 - "$OUT/bucketed.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(f"{'N':>8} {'lowering':>10} {'target':>6} {'B':>5} {'k_':>3} {'exec ms':>8} {'recall':>7}")
for r in rows:
    print(f"{r.get('n', 0):>8} {r.get('lowering', r.get('who', '')):>10} {r.get('recall_target', 0):>6} "
          f"{r.get('buckets', '-'):>5} {r.get('per_bucket', '-'):>3} {r.get('execute_ms', 0):>8.3f} {r.get('recall', 0):>7.4f}")
PY
