#!/bin/sh
# OpenPGP benchmark (io.vcanokey.guest.OpenPgpBenchmark): on-card key generation per algorithm and
# PSO COMPUTE DIGITAL SIGNATURE for RSA 2048, NIST P-256 and Ed25519 through pcscd and the vpcd
# reader, next to the same primitive in the JVM. Starts pcscd if none runs. E.g.
#   bench/openpgp.sh --rounds 200
# Set MVN_OPTS=-o to build offline.
set -eu
cd "$(dirname "$0")/.."
mvn -q -B ${MVN_OPTS:-} package -DskipTests
mvn -q -B ${MVN_OPTS:-} dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  -Dvcanokey.jar=target/vcanokey.jar io.vcanokey.guest.OpenPgpBenchmark "$@"
