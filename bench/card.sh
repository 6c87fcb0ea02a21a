#!/bin/sh
# Smart-card benchmark (io.vcanokey.guest.CardGuestBenchmark): YKOATH CALCULATE ALL over 32
# credentials and a SELECT + data read, timed by a javax.smartcardio client through pcscd: first
# on the host against the vpcd reader, then inside a QEMU guest per USB controller against the
# key's CCID interface. Starts pcscd if none runs. Options pass through, e.g.
#   bench/card.sh --rounds 500 --controllers xhci
# Set MVN_OPTS=-o to build offline.
set -eu
cd "$(dirname "$0")/.."
mvn -q -B ${MVN_OPTS:-} package -DskipTests
mvn -q -B ${MVN_OPTS:-} dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  -Dvcanokey.jar=target/vcanokey.jar io.vcanokey.guest.CardGuestBenchmark "$@"
