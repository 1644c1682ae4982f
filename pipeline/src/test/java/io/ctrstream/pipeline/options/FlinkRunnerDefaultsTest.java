package io.ctrstream.pipeline.options;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Test;

public class FlinkRunnerDefaultsTest {
  private static FlinkPipelineOptions applied(String... args) {
    FlinkPipelineOptions options =
        PipelineOptionsFactory.fromArgs(args).as(FlinkPipelineOptions.class);
    FlinkRunnerDefaults.apply(options, args);
    return options;
  }

  @Test
  public void byDefaultNeitherElementsNorStateAreCopiedThroughTheirCoders() {
    FlinkPipelineOptions options = applied();
    assertThat(options.getObjectReuse(), equalTo(true));
    // safe only because no ctrstream state is changed in place (JoinState#copy, CtrCombineFn)
    assertThat(options.getFasterCopy(), equalTo(true));
    assertThat(options.getMaxBundleSize(), equalTo(10_000L));
    assertThat(options.getMaxBundleTimeMills(), equalTo(100L));
    // a bundle's outputs go downstream before the barrier, not into a buffer a watermark can
    // overtake
    assertThat(options.getFinishBundleBeforeCheckpointing(), equalTo(true));
  }

  @Test
  public void flagsOnTheCommandLineWin() {
    FlinkPipelineOptions options =
        applied(
            "--objectReuse=false",
            "--maxBundleSize=500",
            "--maxBundleTimeMills=1000",
            "--fasterCopy=false",
            "--finishBundleBeforeCheckpointing=false");
    assertThat(options.getObjectReuse(), equalTo(false));
    assertThat(options.getMaxBundleSize(), equalTo(500L));
    assertThat(options.getMaxBundleTimeMills(), equalTo(1000L));
    assertThat(options.getFinishBundleBeforeCheckpointing(), equalTo(false));
    assertThat(options.getFasterCopy(), equalTo(false));
  }

  @Test
  public void aBareBooleanFlagCountsAsNamed() {
    assertThat(applied("--objectReuse").getObjectReuse(), equalTo(true));
  }
}
