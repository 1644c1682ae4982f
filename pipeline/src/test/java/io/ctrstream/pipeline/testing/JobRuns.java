package io.ctrstream.pipeline.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.pipeline.CtrGraph;
import io.ctrstream.pipeline.RunSummary;
import io.ctrstream.pipeline.options.CtrConfig;
import io.ctrstream.pipeline.options.CtrOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Runs the whole job over files, as {@code mvn exec:exec} would, writing every output under one
 * folder.
 */
public final class JobRuns {
  private JobRuns() {}

  /**
   * Runs {@link CtrGraph#build} to completion.
   *
   * @param runner {@code DirectRunner} or {@code FlinkRunner} (embedded, parallelism 2)
   * @param out folder for {@code results.jsonl}, {@code unattributed.jsonl}, {@code
   *     dead-letters.jsonl}
   * @param flags further ctrstream flags, e.g. {@code --windowSize=60s}; {@code --sink=none} unless
   *     given
   * @return the run's counters
   */
  public static RunSummary run(
      String runner, Path impressions, Path clicks, Path out, String... flags) {
    PipelineOptionsFactory.register(CtrOptions.class);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--source=files",
                "--impressionsFile=" + impressions,
                "--clicksFile=" + clicks,
                "--output=" + out.resolve("results.jsonl"),
                "--unattributedOutput=" + out.resolve("unattributed.jsonl"),
                "--deadLetterOutput=" + out.resolve("dead-letters.jsonl")));
    args.addAll(List.of(flags));
    if (args.stream().noneMatch(a -> a.startsWith("--sink="))) {
      args.add("--sink=none");
    }
    CtrOptions options =
        PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(CtrOptions.class);
    if (runner.equals("FlinkRunner")) {
      FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
      flink.setRunner(FlinkRunner.class);
      flink.setFlinkMaster("[local]");
      flink.setParallelism(2);
    } else {
      options.setRunner(DirectRunner.class);
    }
    Pipeline pipeline = Pipeline.create(options);
    CtrGraph.build(pipeline, CtrConfig.from(options));
    PipelineResult result = pipeline.run();
    assertThat(result.waitUntilFinish(), equalTo(PipelineResult.State.DONE));
    return RunSummary.of(result);
  }
}
