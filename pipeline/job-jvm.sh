#!/bin/sh
# How `mvn -pl pipeline -am compile exec:exec` starts the job in a JVM of its own. exec:exec and
# exec:java share the pom's commandlineArgs, which therefore hold only the job's flags (here "$@");
# the JVM's own arguments (-Djob.jvmArgs) and the class path come from the environment the pom sets.
exec java $CTR_JOB_JVM_ARGS -cp "$CTR_JOB_CLASSPATH" io.ctrstream.pipeline.CtrPipeline "$@"
