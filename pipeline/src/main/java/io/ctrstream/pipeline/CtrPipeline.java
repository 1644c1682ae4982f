package io.ctrstream.pipeline;

import io.ctrstream.pipeline.io.PostgresTables;
import io.ctrstream.pipeline.options.CtrConfig;
import io.ctrstream.pipeline.options.CtrOptions;
import io.ctrstream.pipeline.options.Durations;
import io.ctrstream.pipeline.options.EmbeddedFlinkClassLoading;
import io.ctrstream.pipeline.options.FlinkRunnerDefaults;
import io.ctrstream.pipeline.options.InvalidFlagException;
import io.ctrstream.pipeline.options.TypedFlags;
import java.io.IOException;
import java.nio.file.Paths;
import java.sql.SQLException;
import org.apache.beam.runners.flink.FlinkDetachedRunnerResult;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.StreamingOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ctrstream job's launcher: reads and checks the flags, applies the Flink runner's defaults and
 * the embedded cluster's class loading, builds the graph ({@link CtrGraph}) and runs it, attached
 * (a bounded run waits for its end and prints a summary of the counters) or detached. The same
 * pipeline runs on every runner; the runner and every setting are ordinary flags.
 *
 * <pre>
 * read → ParseEvents (bad records → dead letters) → AttributeClicks (one stateful join on impr_id:
 * dedup, attribution window) → KeyByDimensions (campaign + breakdowns) → WindowedCtr (fixed
 * windows, early/on-time/late panes, CTR CombineFn) → TrackLatestAndPrevious, DetectAnomalies
 * (alerts); optionally WindowedCtr over sliding windows (trend) → Redis / Kafka / files
 * </pre>
 */
public final class CtrPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(CtrPipeline.class);

  /** Exit status for a usage error (a bad flag). */
  public static final int EXIT_USAGE = 2;

  private CtrPipeline() {}

  private static void requireMatch(String flag, String spec) {
    boolean found;
    try {
      MatchResult match = FileSystems.match(spec, EmptyMatchTreatment.DISALLOW);
      found = match.status() == MatchResult.Status.OK && !match.metadata().isEmpty();
    } catch (IOException e) {
      found = false;
    }
    if (!found) {
      throw new InvalidFlagException(
          flag,
          spec,
          "no file matches (relative paths are read from " + Paths.get("").toAbsolutePath() + ")");
    }
  }

  /** Runs the job; a bounded run waits for the end and prints a summary of the counters. */
  public static void main(String[] args) {
    PipelineOptionsFactory.register(CtrOptions.class);
    CtrOptions options;
    CtrConfig config;
    try {
      TypedFlags.check(args, CtrOptions.class);
      options = PipelineOptionsFactory.fromArgs(args).withValidation().as(CtrOptions.class);
      config = CtrConfig.from(options);
      FileSystems.setDefaultPipelineOptions(options);
      if (!config.fromKafka()) {
        requireMatch("impressionsFile", config.source().impressionsFile());
        requireMatch("clicksFile", config.source().clicksFile());
      }
    } catch (IllegalArgumentException e) {
      System.err.println("ctrstream: " + e.getMessage());
      System.err.println("ctrstream: see --help=" + CtrOptions.class.getName() + " for every flag");
      System.exit(EXIT_USAGE);
      return;
    }
    if (config.sinks().postgres() != null && options.getCreateTable()) {
      try {
        PostgresTables.create(config.sinks().postgres());
      } catch (SQLException | RuntimeException e) {
        System.err.println(
            "ctrstream: --createTable: cannot create the tables at "
                + config.sinks().postgres().url()
                + ": "
                + e.getMessage());
        System.exit(1);
        return;
      }
      LOG.info(
          "ctrstream: tables {} and {} exist at {}",
          config.sinks().postgres().resultsTable(),
          config.sinks().postgres().alertsTable(),
          config.sinks().postgres().url());
    }
    if (config.fromKafka()) {
      options.as(StreamingOptions.class).setStreaming(true);
    }
    FlinkRunnerDefaults.apply(options, args);
    EmbeddedFlinkClassLoading.apply(options);
    LOG.info(
        "ctrstream: source={} windowSize={} attributionWindow={} allowedLateness={} earlyFiringPeriod={} runner={}",
        config.source().kind(),
        Durations.format(config.eventTime().windowSize()),
        Durations.format(config.eventTime().attributionWindow()),
        Durations.format(config.eventTime().allowedLateness()),
        Durations.format(config.eventTime().earlyFiringPeriod()),
        options.getRunner().getSimpleName());
    Pipeline pipeline = Pipeline.create(options);
    CtrGraph.build(pipeline, config);
    PipelineResult result = pipeline.run();
    if (result instanceof FlinkDetachedRunnerResult
        || !options.as(FlinkPipelineOptions.class).getAttachedMode()) {
      // flink run -d, or --attachedMode=false: the job runs on in the cluster; this client is done.
      System.out.println("ctrstream: job submitted (detached); follow it in the Flink UI");
      return;
    }
    if (config.fromKafka()) {
      LOG.info(
          "ctrstream: streaming from Kafka at {} until the job is cancelled (Ctrl-C)",
          config.source().kafka().bootstrapServers());
    }
    PipelineResult.State state = result.waitUntilFinish();
    RunSummary.of(result).print(System.out);
    if (state != PipelineResult.State.DONE) {
      System.err.println("ctrstream: pipeline ended in state " + state);
      System.exit(1);
    }
  }
}
