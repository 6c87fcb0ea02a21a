#!/bin/sh
# Guest CTAPHID PING benchmark (io.vcanokey.guest.PingBenchmark): boots one QEMU guest per USB
# controller with the key on usb-redir and prints PING latency and rounds/s measured inside the
# guest, plus the key's start-up time. Options pass through, e.g.
#   bench/guest-ping.sh --rounds 500 --sizes 64,1024 --controllers xhci --starts 5
# Set MVN_OPTS=-o to build offline.
set -eu
cd "$(dirname "$0")/.."
mvn -q -B ${MVN_OPTS:-} package -DskipTests
mvn -q -B ${MVN_OPTS:-} dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  -Dvcanokey.jar=target/vcanokey.jar io.vcanokey.guest.PingBenchmark "$@"
