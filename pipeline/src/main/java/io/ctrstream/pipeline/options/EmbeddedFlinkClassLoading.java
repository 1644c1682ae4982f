package io.ctrstream.pipeline.options;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets Flink's embedded cluster ({@code --flinkMaster=[local]}, or {@code [auto]} outside a Flink
 * client) run the job when the job's classes are not on the JVM's class path but in a class loader
 * of their own, as under {@code mvn exec:java}, an IDE's runner or any application that embeds the
 * job.
 *
 * <p>Why it fails without this: for a job that names no jars and no class path, Flink 1.19's {@code
 * BlobLibraryCacheManager} uses the JVM's system class loader as the job's user-code class loader,
 * and under {@code exec:java} that loader holds only Maven's launcher: the JobMaster stops on
 * {@code ClassNotFoundException: org.apache.flink.api.common.ExecutionConfig}. Flink's own settings
 * are the remedy: {@code pipeline.classpaths} names the job's class path, so Flink builds a
 * user-code class loader whose parent is the loader that holds Flink (here Maven's, holding the
 * whole job too), and {@code classloader.resolve-order: parent-first} makes that loader answer
 * first, so every class exists once, as in a forked JVM. Beam's Flink runner hands an embedded
 * cluster no {@code --filesToStage}, but it reads a Flink configuration from {@code
 * --flinkConfDir}; this class writes one there.
 */
public final class EmbeddedFlinkClassLoading {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedFlinkClassLoading.class);

  /** A class of Flink's that the system class loader holds wherever Flink can run a job. */
  static final String FLINK_CLASS = "org.apache.flink.api.common.ExecutionConfig";

  private EmbeddedFlinkClassLoading() {}

  /**
   * If the job runs on an embedded Flink cluster and Flink's classes are not on the JVM's class
   * path, points {@code --flinkConfDir} at a new temporary directory whose {@code config.yaml} sets
   * {@code classloader.resolve-order: parent-first} and {@code pipeline.classpaths} to where the
   * job was loaded from. Does nothing on other runners, for a remote {@code --flinkMaster}, when
   * the system class loader holds Flink (a forked JVM, {@code flink run}) or when {@code
   * --flinkConfDir} is given (then that configuration must say the same).
   *
   * @param options the job's options, after parsing
   * @throws IllegalStateException if the temporary configuration cannot be written
   */
  public static void apply(PipelineOptions options) {
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    String master = flink.getFlinkMaster();
    boolean embedded = "[local]".equals(master) || "[auto]".equals(master);
    if (!"FlinkRunner".equals(options.getRunner().getSimpleName())
        || !embedded
        || systemClassLoaderHoldsFlink()) {
      return;
    }
    if (flink.getFlinkConfDir() != null && !flink.getFlinkConfDir().isBlank()) {
      LOG.warn(
          "ctrstream: Flink's classes are not on the JVM's class path; the configuration in "
              + "--flinkConfDir={} needs classloader.resolve-order: parent-first and pipeline.classpaths "
              + "for the embedded cluster to load the job",
          flink.getFlinkConfDir());
      return;
    }
    URL jobClasses =
        EmbeddedFlinkClassLoading.class.getProtectionDomain().getCodeSource().getLocation();
    try {
      Path dir = Files.createTempDirectory("ctrstream-flink-conf-");
      Path file = dir.resolve("config.yaml");
      Files.writeString(file, config(jobClasses), StandardCharsets.UTF_8);
      file.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      flink.setFlinkConfDir(dir.toString());
      LOG.info(
          "ctrstream: the job's classes are in a class loader of their own (mvn exec:java?): the "
              + "embedded Flink cluster loads them parent-first through pipeline.classpaths ({})",
          file);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot write the embedded Flink cluster's configuration: " + e, e);
    }
  }

  /** The Flink configuration (standard YAML, Flink 1.19's {@code config.yaml}) this writes. */
  static String config(URL jobClasses) {
    return "# written by ctrstream (EmbeddedFlinkClassLoading) for an embedded Flink cluster\n"
        + "classloader.resolve-order: parent-first\n"
        + "pipeline.classpaths: ['"
        + jobClasses.toExternalForm().replace("'", "''")
        + "']\n";
  }

  private static boolean systemClassLoaderHoldsFlink() {
    try {
      Class.forName(FLINK_CLASS, false, ClassLoader.getSystemClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
