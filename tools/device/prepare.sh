#!/bin/bash
# Prepares .devcheck/ (ignored by git) for tools/device/run.sh on a machine with a GPU and JAX's
# CUDA packages but no JDK: a jlink'd Java runtime (java.base is all the PJRT check needs), the two
# jars it runs from, and the CPU backend's answer for the same seeded data to compare with.
# Usage, from the repository root: tools/device/prepare.sh [PjrtCheck shape options]
set -euo pipefail
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
mvn -B -q -o -pl tools/pjrt-check -am package -DskipTests 2>/dev/null || mvn -B -q -pl tools/pjrt-check -am package -DskipTests
rm -rf .devcheck && mkdir -p .devcheck/lib
# the check (tools/pjrt-check), the tpu backend's PJRT bindings and the compiler: plain Java, no ND4J
cp compiler/target/ann4j-compiler-*.jar runtime-tpu/target/ann4j-runtime-tpu-*.jar \
  tools/pjrt-check/target/ann4j-pjrt-check-*.jar .devcheck/lib/
jlink --add-modules java.base,java.logging --strip-debug --no-header-files --no-man-pages --compress=zip-9 \
  --output .devcheck/jre
mvn -B -q -o -pl tools/pjrt-check dependency:build-classpath -Dmdep.outputFile="$PWD/.devcheck/cp.txt" >/dev/null
java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "tools/pjrt-check/target/classes:$(cat .devcheck/cp.txt)" io.ann4j.runtime.tpu.pjrt.PjrtCheck --cpu --out .devcheck/ref "$@"
for t in bf16 f16; do # the CPU backend's answer over the database stored as bf16 / f16 (issue 9)
  java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -cp "tools/pjrt-check/target/classes:$(cat .devcheck/cp.txt)" io.ann4j.runtime.tpu.pjrt.PjrtCheck --cpu \
    --db-dtype "$t" --out ".devcheck/ref-$t" "$@"
done
rm .devcheck/cp.txt
du -sh .devcheck
