#!/bin/sh
# FIDO benchmark (io.vcanokey.guest.FidoBenchmark): CTAP 2.1 makeCredential and getAssertion with
# ES256 and EdDSA from python-fido2 (Debian python3-fido2, /usr/bin/python3), over
# `serve --ctaphid-udp` on the host and over USB HID inside a QEMU guest per controller, next to
# the bare key generation and signature in the JVM; median, p90 and operations per second. E.g.
#   bench/fido.sh --rounds 200 --guest-rounds 50 --controllers uhci,xhci
# Set MVN_OPTS=-o to build offline.
set -eu
cd "$(dirname "$0")/.."
mvn -q -B ${MVN_OPTS:-} package -DskipTests
mvn -q -B ${MVN_OPTS:-} dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  -Dvcanokey.jar=target/vcanokey.jar io.vcanokey.guest.FidoBenchmark "$@"
