package io.ctrstream.producer;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctrstream.pipeline.CtrGraph;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.model.RawEvent;
import io.ctrstream.pipeline.model.UnattributedClick;
import io.ctrstream.pipeline.options.CtrConfig;
import io.ctrstream.pipeline.options.EventTimeConfig;
import io.ctrstream.pipeline.options.SinkConfig;
import io.ctrstream.pipeline.testing.Events;
import io.ctrstream.pipeline.testing.JobRuns;
import io.ctrstream.pipeline.testing.ReferenceCtr;
import io.ctrstream.pipeline.testing.ResultFiles;
import io.ctrstream.producer.EventPublisher.Stream;
import io.ctrstream.producer.SyntheticStream.Event;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The job against {@link ReferenceCtr} on a seeded synthetic stream full of the join's hard cases:
 * exact duplicates, copies of an impression that disagree in {@code ts} and campaign, jitter,
 * orphan clicks, clicks stamped before their impression, clicks later than the attribution window,
 * several clicks on one impression, malformed records. Every final (campaign, window) must equal
 * the reference, and every unattributed click must be reported exactly once with the reference's
 * reason, on the DirectRunner and on embedded Flink (both read the files: the bounded join), and as
 * a stream in arrival order through a {@code TestStream} (the streaming join, with its state and
 * timers).
 */
public class JoinDifferentialTest {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static final long WINDOW_MS = 10_000;
  private static final long ATTRIBUTION_MS = 15_000;
  private static Path impressions;
  private static Path clicks;
  private static ReferenceCtr reference;

  /** Every event in the order the stream emitted it, both topics interleaved. */
  private static final List<Event> ARRIVALS = new java.util.ArrayList<>();

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  @BeforeClass
  public static void generate() throws IOException {
    SyntheticStream.Settings settings =
        new SyntheticStream.Settings(
            11, 100, 6, 1.1, 0.2, 3_000, 1.5, 60_000, 2_000, 0.05, 0.01, 0.02, List.of(), 0.3, 3,
            0.05, 0.05, 0.15);
    SyntheticStream stream = new SyntheticStream(settings, 1_700_000_000_000L);
    impressions = TMP.getRoot().toPath().resolve("impressions.jsonl");
    clicks = TMP.getRoot().toPath().resolve("clicks.jsonl");
    try (BufferedWriter i = Files.newBufferedWriter(impressions);
        BufferedWriter c = Files.newBufferedWriter(clicks)) {
      while (stream.impressions() < 8_000) {
        write(stream.next(), i, c);
      }
      write(stream.drain(), i, c);
    }
    reference = ReferenceCtr.compute(impressions, clicks, WINDOW_MS, ATTRIBUTION_MS);
    // the stream does hold every hard case
    assertThat(reference.unattributedReasons.containsValue("BEFORE_IMPRESSION"), equalTo(true));
    assertThat(
        reference.unattributedReasons.containsValue("OUTSIDE_ATTRIBUTION_WINDOW"), equalTo(true));
    assertThat(reference.unattributedReasons.containsValue("NO_IMPRESSION"), equalTo(true));
    assertThat(reference.attributedClicks, greaterThan(500L));
  }

  private static void write(List<Event> events, BufferedWriter impressions, BufferedWriter clicks)
      throws IOException {
    ARRIVALS.addAll(events);
    for (Event e : events) {
      BufferedWriter out = e.stream() == Stream.IMPRESSIONS ? impressions : clicks;
      out.write(e.json());
      out.newLine();
    }
  }

  @Test
  public void directRunnerEqualsTheReference() throws IOException {
    check("DirectRunner");
  }

  @Test
  public void flinkRunnerEqualsTheReference() throws IOException {
    check("FlinkRunner");
  }

  private static void check(String runner) throws IOException {
    Path out = TMP.newFolder(runner).toPath();
    JobRuns.run(runner, impressions, clicks, out, "--windowSize=10s", "--attributionWindow=15s");

    assertThat(ResultFiles.finalCounts(out.resolve("results.jsonl")), equalTo(reference.counts));
    Map<String, String> reported = new TreeMap<>();
    int lines = 0;
    for (JsonNode u : ResultFiles.jsonLines(out.resolve("unattributed.jsonl"))) {
      reported.put(u.get("click_id").asText(), u.get("reason").asText());
      lines++;
    }
    assertThat(reported, equalTo(reference.unattributedReasons));
    assertThat("each unattributed click once", lines, equalTo(reported.size()));
  }

  /**
   * The same events as a stream in arrival order, the watermark two minutes behind the newest
   * {@code ts} (so that nothing is droppably late, as the reference assumes), advanced every 200
   * events: the streaming join's holds, reports and expiries all take part.
   */
  @Test
  public void streamingJoinEqualsTheReference() {
    TestStream.Builder<RawEvent> stream = TestStream.create(RawEvent.RawEventCoder.of());
    long newest = Long.MIN_VALUE;
    long watermark = Long.MIN_VALUE;
    List<TimestampedValue<RawEvent>> batch = new java.util.ArrayList<>();
    for (Event e : ARRIVALS) {
      newest = Math.max(newest, e.ts());
      RawEvent raw =
          e.stream() == Stream.IMPRESSIONS
              ? RawEvent.impression("stream", e.json())
              : RawEvent.click("stream", e.json());
      batch.add(TimestampedValue.of(raw, new Instant(Math.max(e.ts(), Math.max(watermark, 0)))));
      if (batch.size() == 200) {
        stream =
            stream.addElements(
                batch.get(0), batch.subList(1, batch.size()).toArray(TimestampedValue[]::new));
        batch.clear();
        if (newest - 120_000 > watermark) {
          watermark = newest - 120_000;
          stream = stream.advanceWatermarkTo(new Instant(watermark));
        }
      }
    }
    if (!batch.isEmpty()) {
      stream =
          stream.addElements(
              batch.get(0), batch.subList(1, batch.size()).toArray(TimestampedValue[]::new));
    }
    CtrConfig base = Events.config();
    CtrConfig config =
        new CtrConfig(
            base.source(),
            new EventTimeConfig(
                base.eventTime().maxOutOfOrderness(),
                base.eventTime().idlePartitionTimeout(),
                Duration.millis(ATTRIBUTION_MS),
                Duration.millis(WINDOW_MS),
                base.eventTime().earlyFiringPeriod(),
                base.eventTime().allowedLateness()),
            List.of(),
            null,
            null,
            SinkConfig.NONE);
    CtrGraph.Outputs out =
        CtrGraph.compute(pipeline.apply(stream.advanceWatermarkToInfinity()), config);

    PCollection<String> finals =
        out.results()
            .apply("FinalPanes", Filter.by(CtrResult::isFinal))
            .apply(
                "AsReferenceRows",
                MapElements.into(TypeDescriptors.strings())
                    .via(
                        (CtrResult r) ->
                            r.key()
                                + "|"
                                + r.windowStart()
                                + "="
                                + List.of(r.impressions(), r.clicks())));
    List<String> expected = new java.util.ArrayList<>();
    reference.counts.forEach((k, v) -> expected.add(k + "=" + v));
    PAssert.that(finals).containsInAnyOrder(expected);
    List<String> expectedReasons = new java.util.ArrayList<>();
    reference.unattributedReasons.forEach((k, v) -> expectedReasons.add(k + ":" + v));
    PAssert.that(
            out.unattributed()
                .apply(
                    "AsReasons",
                    MapElements.into(TypeDescriptors.strings())
                        .via((UnattributedClick u) -> u.click().clickId() + ":" + u.reason())))
        .containsInAnyOrder(expectedReasons);
    pipeline.run().waitUntilFinish();
  }
}
