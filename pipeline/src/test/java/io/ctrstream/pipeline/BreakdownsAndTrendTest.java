package io.ctrstream.pipeline;

import io.ctrstream.pipeline.io.FileEventSource;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.options.CtrConfig;
import io.ctrstream.pipeline.options.CtrOptions;
import java.nio.file.Path;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

/**
 * Breakdowns and the trend on the hand-checked {@code testdata/} replay (30 s windows from
 * 12:00:00, 15 s attribution window; see testdata/README.md), final panes only. The expected
 * numbers are counted by hand from the testdata files and {@code
 * testdata/expected/final-results.csv}.
 */
public class BreakdownsAndTrendTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static final Path ROOT = Path.of(System.getProperty("ctrstream.root", ".."));

  private CtrGraph.Outputs run(String... flags) {
    PipelineOptionsFactory.register(CtrOptions.class);
    String[] args = new String[flags.length + 3];
    args[0] = "--source=files";
    args[1] = "--impressionsFile=" + ROOT.resolve("testdata/impressions.jsonl");
    args[2] = "--clicksFile=" + ROOT.resolve("testdata/clicks.jsonl");
    System.arraycopy(flags, 0, args, 3, flags.length);
    CtrConfig config = CtrConfig.from(PipelineOptionsFactory.fromArgs(args).as(CtrOptions.class));
    return CtrGraph.compute(
        p.apply(
            new FileEventSource(config.source().impressionsFile(), config.source().clicksFile())),
        config);
  }

  /**
   * Final panes as {@code dimension key window_start_sec impressions clicks} (seconds after
   * 12:00:00).
   */
  private static PCollection<String> finals(PCollection<CtrResult> results, String dimension) {
    return results
        .apply(
            "Final " + dimension,
            Filter.by((CtrResult r) -> r.isFinal() && r.dimension().equals(dimension)))
        .apply(
            "Summary " + dimension,
            MapElements.into(TypeDescriptors.strings())
                .via(
                    (CtrResult r) ->
                        r.dimension()
                            + " "
                            + r.key()
                            + " "
                            + (r.windowStart() - 1_709_294_400_000L) / 1000
                            + " "
                            + r.impressions()
                            + " "
                            + r.clicks()));
  }

  @Test
  public void breakdownsCountTheSameImpressionsAndClicksAsTheCampaigns() {
    CtrGraph.Outputs out = run("--breakdowns=device,campaign_id+device", "--alerts=false");

    // per window the device values sum to the campaign totals: 5/5, 4/1, 3/2
    PAssert.that(finals(out.results(), "campaign"))
        .containsInAnyOrder(
            "campaign c1 0 3 3",
            "campaign c2 0 2 2",
            "campaign c1 30 2 1",
            "campaign c2 30 2 0",
            "campaign c1 60 2 1",
            "campaign c2 60 1 1");
    PAssert.that(finals(out.results(), "device"))
        .containsInAnyOrder(
            "device mobile 0 3 4",
            "device desktop 0 1 0",
            "device tablet 0 1 1",
            "device mobile 30 3 0",
            "device desktop 30 1 1",
            "device mobile 60 1 1",
            "device desktop 60 1 1",
            "device unknown 60 1 0"); // i12 has no device field
    PAssert.that(finals(out.results(), "campaign_id+device"))
        .containsInAnyOrder(
            "campaign_id+device c1|mobile 0 2 3",
            "campaign_id+device c1|desktop 0 1 0",
            "campaign_id+device c2|mobile 0 1 1",
            "campaign_id+device c2|tablet 0 1 1",
            "campaign_id+device c1|mobile 30 1 0",
            "campaign_id+device c1|desktop 30 1 1",
            "campaign_id+device c2|mobile 30 2 0",
            "campaign_id+device c1|mobile 60 1 1",
            "campaign_id+device c1|unknown 60 1 0",
            "campaign_id+device c2|desktop 60 1 1");
    p.run().waitUntilFinish();
  }

  @Test
  public void trendSlidingWindowsEqualTheSumsOfTheFixedWindowsTheyCover() {
    CtrGraph.Outputs out = run("--trendWindow=60s", "--trendPeriod=30s", "--alerts=false");

    // [s, s+60 s) covers the fixed windows starting at s and s+30 s (final-results.csv)
    PAssert.that(finals(out.trend(), "campaign"))
        .containsInAnyOrder(
            "campaign c1 -30 3 3",
            "campaign c1 0 5 4",
            "campaign c1 30 4 2",
            "campaign c1 60 2 1",
            "campaign c2 -30 2 2",
            "campaign c2 0 4 2",
            "campaign c2 30 3 1",
            "campaign c2 60 1 1");
    p.run().waitUntilFinish();
  }
}
