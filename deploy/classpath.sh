#!/usr/bin/env bash
# Compiles MODULES (comma-separated, with the modules they depend on) and writes each one's runtime
# classpath to <module>/target/classpath.txt, for the scripts that run ctrstream's main classes
# without packaging them: deploy/run.sh, deploy/bench.sh, serving/ctr. Maven's output shows only if
# the build fails.
#
# test-compile with the tests skipped, not compile: the producer's and serving's test scopes name the
# pipeline's test-jar, and Maven's reactor finds a module's test-jar in the build only from that phase
# on, so with compile alone a machine that never ran `mvn install` cannot resolve it.
#
#   deploy/classpath.sh pipeline,producer,serving
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
modules=${1:?usage: deploy/classpath.sh MODULE[,MODULE...]}
log=$(mktemp)
if ! mvn -q -B -f "$root/pom.xml" -pl "$modules" -am test-compile -Dmaven.test.skip=true \
    dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime \
    > "$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
# build-classpath leaves an unchanged file as it was: mark this build (serving/ctr compares times)
for m in ${modules//,/ }; do touch "$root/$m/target/classpath.txt"; done
