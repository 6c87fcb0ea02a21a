#!/bin/sh
# PIV benchmark (io.vcanokey.guest.PivBenchmark): on-card key generation (RSA 2048/3072/4096, P-256,
# P-384, Ed25519) and GENERAL AUTHENTICATE signatures (RSA 2048, P-256, Ed25519) through pcscd and
# the vpcd reader, median and p90, next to the same primitive in the JVM. Starts pcscd if none
# runs. E.g.
#   bench/piv.sh --rounds 200
# Set MVN_OPTS=-o to build offline.
set -eu
cd "$(dirname "$0")/.."
mvn -q -B ${MVN_OPTS:-} package -DskipTests
mvn -q -B ${MVN_OPTS:-} dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  -Dvcanokey.jar=target/vcanokey.jar io.vcanokey.guest.PivBenchmark "$@"
