#!/bin/bash
# One device call (after tools/device/prepare.sh here; the call carries .devcheck): ann4j's PJRT
# runner on JAX's CUDA plugin (f32, then the database stored as bf16 and f16), then JAX itself on
# the same data. Writes device.log, the check_*.json files and the modules to $OUT.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
exec > >(tee "$OUT/device.log") 2>&1
. "$(dirname "$0")/cuda_env.sh"
J=.devcheck/jre/bin/java; $J -version 2>&1 | head -1
echo "== ann4j PjrtCheck"
timeout 300 $J --enable-native-access=ALL-UNNAMED -XX:ErrorFile="$OUT/hs_err.log" -cp ".devcheck/lib/*" \
  io.ann4j.runtime.tpu.pjrt.PjrtCheck --plugin "$PLUGIN" --platform cuda --out /tmp/check \
  --reference .devcheck/ref --write-inputs --try-tpu-lowering --runs 10
echo "PjrtCheck exit status $?"
cp /tmp/check/check.json /tmp/check/mips_cuda.mlir "$OUT"/ 2>/dev/null
echo "== ann4j PjrtCheck, a small batch over a million rows, the client without preallocation"
timeout 200 $J --enable-native-access=ALL-UNNAMED -cp ".devcheck/lib/*" io.ann4j.runtime.tpu.pjrt.PjrtCheck \
  --plugin "$PLUGIN" --platform cuda --out /tmp/check1m --q 16 --n 1000000 --runs 5 --options preallocate=false
echo "PjrtCheck exit status $?"
cp /tmp/check1m/check.json "$OUT/check_q16_n1m.json" 2>/dev/null
for t in bf16 f16; do
  echo "== ann4j PjrtCheck, the database stored as $t (the half lowering: convert, then the f32 product)"
  timeout 200 $J --enable-native-access=ALL-UNNAMED -cp ".devcheck/lib/*" io.ann4j.runtime.tpu.pjrt.PjrtCheck \
    --plugin "$PLUGIN" --platform cuda --out "/tmp/check-$t" --db-dtype "$t" --reference ".devcheck/ref-$t" --runs 10
  echo "PjrtCheck exit status $?"
  cp "/tmp/check-$t/check.json" "$OUT/check_$t.json" 2>/dev/null
  cp "/tmp/check-$t/mips_cuda.mlir" "$OUT/mips_cuda_$t.mlir" 2>/dev/null
done
echo "== JAX on the same data"
PYTHONUNBUFFERED=1 timeout 150 python3 tools/device/jax_compare.py /tmp/check "$OUT"
echo "jax_compare exit status $?"
