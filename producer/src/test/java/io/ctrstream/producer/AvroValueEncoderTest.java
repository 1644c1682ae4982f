package io.ctrstream.producer;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.contract.avro.AvroFraming.Framing;
import io.ctrstream.contract.avro.AvroSchemaSet;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.RawEvent.Kind;
import io.ctrstream.pipeline.transforms.AvroEventDecoder;
import io.ctrstream.pipeline.transforms.EventParser;
import io.ctrstream.pipeline.transforms.EventTimeRange;
import io.ctrstream.producer.EventPublisher.Stream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.Test;

/**
 * The producer's Avro records read back by the job's decoder give exactly the events the job's JSON
 * parser gives for the same lines, in both framings.
 */
public class AvroValueEncoderTest {
  private static final Path SCHEMAS = Paths.get("..", "schemas");
  private static final long NOW = 1_500_000_000_000L;

  private static final String IMPRESSION =
      "{\"impr_id\":\"10515169177252822359\",\"user_id\":\"7710c597\",\"campaign_id\":\"906\","
          + "\"ts\":1413849600241,\"device\":\"type-1\",\"banner_pos\":\"1\","
          + "\"site_category\":\"f028772b\",\"app_category\":\"07d7df22\",\"conn_type\":\"0\"}";
  private static final String CLICK =
      "{\"click_id\":\"10406985609365456170-c\",\"impr_id\":\"10406985609365456170\","
          + "\"user_id\":\"9b1fe278\",\"ts\":1413849610047}";

  private static AvroEventDecoder decoder() {
    return new AvroEventDecoder(
        AvroSchemaSet.read(
            AvroSchemaSet.directory(SCHEMAS),
            AvroSchemaSet.ids(
                "1=../schemas/impression.avsc,2=../schemas/click.avsc,3=../schemas/heartbeat.avsc")),
        EventTimeRange.standard());
  }

  private static void assertSameEvents(ValueEncoder encoder) {
    EventParser json = new EventParser(EventTimeRange.standard());
    AvroEventDecoder avro = decoder();
    ParsedRecord fromAvro =
        avro.parse(
            Kind.IMPRESSION, "impressions", encoder.event(Stream.IMPRESSIONS, IMPRESSION), NOW);
    assertThat(
        fromAvro,
        equalTo(
            json.parse(
                Kind.IMPRESSION, "impressions", IMPRESSION.getBytes(StandardCharsets.UTF_8), NOW)));
    assertThat(
        avro.parse(Kind.CLICK, "clicks", encoder.event(Stream.CLICKS, CLICK), NOW),
        equalTo(json.parse(Kind.CLICK, "clicks", CLICK.getBytes(StandardCharsets.UTF_8), NOW)));
    assertThat(
        avro.parse(Kind.CLICK, "clicks", encoder.heartbeat(1413849700000L), NOW).heartbeatTs(),
        equalTo(1413849700000L));
  }

  @Test
  public void singleObjectRecordsDecodeToTheSameEventsAsTheJson() {
    assertSameEvents(AvroValueEncoder.of(SCHEMAS, Framing.SINGLE_OBJECT, null));
  }

  @Test
  public void registryFramedRecordsDecodeToTheSameEventsAsTheJson() {
    ValueEncoder registry =
        AvroValueEncoder.of(
            SCHEMAS,
            Framing.REGISTRY,
            "1=../schemas/impression.avsc,2=../schemas/click.avsc,3=../schemas/heartbeat.avsc");
    assertThat(registry.event(Stream.CLICKS, CLICK)[0], equalTo((byte) 0));
    assertThat(registry.event(Stream.CLICKS, CLICK)[4], equalTo((byte) 2));
    assertSameEvents(registry);
  }

  @Test
  public void anEventThatDoesNotFitIsSentAsItIsAndCounted() {
    ValueEncoder encoder = AvroValueEncoder.of(SCHEMAS, Framing.SINGLE_OBJECT, null);
    String extraField = CLICK.replace("}", ",\"placement\":\"top\"}");
    for (String bad : List.of("{\"click_id\":", extraField, "{\"click_id\":\"c\",\"ts\":1}")) {
      assertThat(encoder.event(Stream.CLICKS, bad), equalTo(bad.getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(encoder.sentAsIs(), equalTo(3L));
    assertThat(
        decoder()
            .parse(Kind.CLICK, "clicks", extraField.getBytes(StandardCharsets.UTF_8), NOW)
            .deadLetter()
            .reason()
            .name(),
        equalTo("MALFORMED_AVRO"));
  }

  @Test
  public void theRegistryFramingNeedsAnIdForEverySchema() {
    IllegalArgumentException e =
        org.junit.Assert.assertThrows(
            IllegalArgumentException.class,
            () -> AvroValueEncoder.of(SCHEMAS, Framing.REGISTRY, "1=../schemas/impression.avsc"));
    assertThat(
        e.getMessage(),
        equalTo(
            "--framing registry: no id in --avro-schema-ids for the schema io.ctrstream.avro.Click"));
  }
}
