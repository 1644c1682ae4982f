package io.ctrstream.pipeline.transforms;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.pipeline.RunSummary;
import io.ctrstream.pipeline.io.KafkaEventSource;
import io.ctrstream.pipeline.model.Click;
import io.ctrstream.pipeline.model.DeadLetter;
import io.ctrstream.pipeline.model.DeadLetter.Reason;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.RawEvent;
import java.util.List;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaRecordCoder;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TimestampedValue.TimestampedValueCoder;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/** Every kind of bad record ends in the dead letters with its reason, source and raw payload. */
public class ParseEventsTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static final long TS = Instant.parse("2024-03-01T12:00:00Z").getMillis();
  private static final long FUTURE = System.currentTimeMillis() + 2 * 86_400_000L;

  @Test
  public void goodEventsAreParsedHeartbeatsCountedAndBadOnesDeadLetteredWithTheirReason() {
    String good =
        "{\"impr_id\":10515169177252822359,\"user_id\":\"u\",\"campaign_id\":\"906\",\"ts\":"
            + TS
            + ",\"device\":\"type-1\",\"floor_price\":25,\"extra\":null,\"geo\":{\"city\":1}}";
    String goodClick = "{\"click_id\":\"k\",\"impr_id\":\"i\",\"ts\":" + TS + "}";
    String[][] bad = {
      {"impressions", "{not json", "MALFORMED_JSON"},
      {"impressions", "", "MALFORMED_JSON"},
      {"impressions", "[1,2]", "MALFORMED_JSON"},
      {"impressions", "{\"campaign_id\":\"c\",\"ts\":" + TS + "}", "MISSING_FIELD"},
      {
        "impressions",
        "{\"impr_id\":\"  \",\"campaign_id\":\"c\",\"ts\":" + TS + "}",
        "MISSING_FIELD"
      },
      {"impressions", "{\"impr_id\":\"i\",\"campaign_id\":\"c\"}", "MISSING_FIELD"},
      {
        "impressions",
        "{\"impr_id\":\"i\",\"campaign_id\":{\"x\":1},\"ts\":" + TS + "}",
        "INVALID_FIELD"
      },
      {
        "impressions",
        "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":\"yesterday\"}",
        "INVALID_FIELD"
      },
      {"impressions", "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":1.5e12}", "INVALID_FIELD"},
      {
        "impressions",
        "{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":946684799999}",
        "TS_OUT_OF_RANGE"
      },
      {"clicks", "{\"click_id\":\"k\",\"impr_id\":\"i\",\"ts\":" + FUTURE + "}", "TS_OUT_OF_RANGE"},
      {"clicks", "{\"impr_id\":\"i\",\"ts\":" + TS + "}", "MISSING_FIELD"},
      {"clicks", "{\"click_id\":true,\"impr_id\":\"i\",\"ts\":" + TS + "}", "INVALID_FIELD"},
    };
    java.util.List<RawEvent> all =
        new java.util.ArrayList<>(
            java.util.List.of(
                RawEvent.impression("impressions", good),
                RawEvent.click("clicks", goodClick),
                RawEvent.impression("impressions", "{\"heartbeat\":true,\"ts\":" + TS + "}"),
                RawEvent.click("clicks", "{\"heartbeat\":true,\"ts\":" + TS + "}")));
    java.util.List<Reason> expectedReasons = new java.util.ArrayList<>();
    for (String[] b : bad) {
      all.add(b[0].equals("clicks") ? RawEvent.click(b[0], b[1]) : RawEvent.impression(b[0], b[1]));
      expectedReasons.add(Reason.valueOf(b[2]));
    }

    PCollectionTuple out =
        p.apply(Create.of(all).withCoder(RawEvent.RawEventCoder.of()))
            .apply(ParseEvents.fromText(EventTimeRange.standard()));

    TreeMap<String, String> dims = new TreeMap<>();
    dims.put("device", "type-1");
    dims.put("floor_price", "25");
    dims.put("geo", "{\"city\":1}");
    PAssert.that(out.get(ParseEvents.EVENTS))
        .containsInAnyOrder(
            KV.of(
                "10515169177252822359",
                ParsedRecord.of(new Impression("10515169177252822359", "u", "906", TS, dims))),
            KV.of("i", ParsedRecord.of(new Click("k", "i", "", TS))));
    PAssert.that(out.get(ParseEvents.DEAD_LETTERS))
        .satisfies(
            letters -> {
              java.util.List<Reason> reasons = new java.util.ArrayList<>();
              java.util.Set<String> payloads = new java.util.HashSet<>();
              for (DeadLetter d : letters) {
                reasons.add(d.reason());
                payloads.add(d.source() + "|" + d.payload());
                assertThat(d.detail().isBlank(), equalTo(false));
              }
              java.util.Collections.sort(reasons);
              java.util.List<Reason> expected = new java.util.ArrayList<>(expectedReasons);
              java.util.Collections.sort(expected);
              assertThat(reasons, equalTo(expected));
              java.util.Set<String> expectedPayloads = new java.util.HashSet<>();
              for (String[] b : bad) {
                expectedPayloads.add(b[0] + "|" + b[1]);
              }
              assertThat(payloads, equalTo(expectedPayloads));
              return null;
            });
    PipelineResult result = p.run();
    result.waitUntilFinish();
    RunSummary summary = RunSummary.of(result);
    assertThat(summary.get("impressions_parsed"), equalTo(1L));
    assertThat(summary.get("clicks_parsed"), equalTo(1L));
    assertThat(summary.get("heartbeats"), equalTo(2L));
    assertThat(summary.get("dead_letters"), equalTo((long) bad.length));
    assertThat(summary.get("dead_letters_MALFORMED_JSON"), equalTo(3L));
    assertThat(summary.get("dead_letters_MISSING_FIELD"), equalTo(4L));
    assertThat(summary.get("dead_letters_INVALID_FIELD"), equalTo(4L));
    assertThat(summary.get("dead_letters_TS_OUT_OF_RANGE"), equalTo(2L));
  }

  /**
   * The Kafka path: records parsed in the consumer ({@code ParsedRecordDeserializer}) come as
   * batches of {@code KafkaRecord}s, each with its event time ({@code BatchingSource}), the batch
   * at the earliest of them; the one step takes each record out, keys it by {@code impr_id}, trims
   * the impression to the fields asked for, counts and passes dead letters and heartbeats on as
   * parsed, each at its own event time.
   */
  @Test
  public void kafkaRecordsAreUnwrappedKeyedAndTrimmedInTheSameStep() {
    TreeMap<String, String> dims = new TreeMap<>();
    dims.put("device", "type-1");
    dims.put("site", "s");
    DeadLetter bad =
        new DeadLetter("impressions", Reason.MALFORMED_JSON, "Unexpected character", "{not json");
    List<TimestampedValue<KafkaRecord<byte[], ParsedRecord>>> batch =
        List.of(
            kafka("impressions", 0, ParsedRecord.of(new Impression("i1", "u", "c1", TS, dims)), TS),
            kafka("clicks", 1, ParsedRecord.of(new Click("k1", "i1", "u", TS + 1_000)), TS + 1_000),
            kafka("impressions", 2, ParsedRecord.of(bad), TS + 500),
            kafka("clicks", 3, ParsedRecord.heartbeat(TS + 2_000), TS + 2_000));

    PCollectionTuple out =
        p.apply(
                Create.timestamped(List.of(TimestampedValue.of(batch, new Instant(TS))))
                    .withCoder(
                        ListCoder.of(
                            TimestampedValueCoder.of(
                                KafkaRecordCoder.of(
                                    ByteArrayCoder.of(), ParsedRecord.ParsedRecordCoder.of())))))
            .apply(
                ParseEvents.ofBatches(KafkaEventSource.PARSED_RECORD)
                    .keeping(java.util.Set.of("device")));

    // user_id and the site go, as no result names them (Impression.keepOnly); clicks stay whole
    TreeMap<String, String> kept = new TreeMap<>();
    kept.put("device", "type-1");
    PAssert.that(out.get(ParseEvents.EVENTS).apply("EventTimes", Reify.timestamps()))
        .containsInAnyOrder(
            TimestampedValue.of(
                KV.of("i1", ParsedRecord.of(new Impression("i1", "", "c1", TS, kept))),
                new Instant(TS)),
            TimestampedValue.of(
                KV.of("i1", ParsedRecord.of(new Click("k1", "i1", "u", TS + 1_000))),
                new Instant(TS + 1_000)));
    PAssert.that(out.get(ParseEvents.DEAD_LETTERS).apply("DeadLetterTimes", Reify.timestamps()))
        .containsInAnyOrder(TimestampedValue.of(bad, new Instant(TS + 500)));
    RunSummary summary = RunSummary.of(p.run());
    assertThat(summary.get("impressions_parsed"), equalTo(1L));
    assertThat(summary.get("clicks_parsed"), equalTo(1L));
    assertThat(summary.get("heartbeats"), equalTo(1L));
    assertThat(summary.get("dead_letters_MALFORMED_JSON"), equalTo(1L));
  }

  /** A Kafka record as a batch carries it, read at event time {@code at} (epoch ms). */
  private static TimestampedValue<KafkaRecord<byte[], ParsedRecord>> kafka(
      String topic, long offset, ParsedRecord record, long at) {
    return TimestampedValue.of(
        new KafkaRecord<>(
            topic, 0, offset, TS, KafkaTimestampType.CREATE_TIME, null, new byte[0], record),
        new Instant(at));
  }
}
