package io.ctrstream.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.pipeline.model.Click;
import io.ctrstream.pipeline.model.DeadLetter;
import io.ctrstream.pipeline.model.ParsedRecord;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.Test;

/**
 * The consumer's one parse: the topic says the stream, bad bytes become dead letters with the raw
 * payload.
 */
public class ParsedRecordDeserializerTest {
  private static final long TS = 1_709_294_400_000L;

  private static ParsedRecordDeserializer deserializer() {
    ParsedRecordDeserializer d = new ParsedRecordDeserializer();
    d.configure(Map.of(ParsedRecordDeserializer.IMPRESSIONS_TOPIC, "imps"), false);
    return d;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  public void theTopicSaysWhetherARecordIsAnImpressionOrAClick() {
    ParsedRecord impression =
        deserializer()
            .deserialize(
                "imps", utf8("{\"impr_id\":\"i\",\"campaign_id\":\"c\",\"ts\":" + TS + "}"));
    assertThat(impression.impression().campaignId(), equalTo("c"));
    assertThat(impression.eventTime(), equalTo(TS));
    ParsedRecord click =
        deserializer()
            .deserialize("clks", utf8("{\"click_id\":\"k\",\"impr_id\":\"i\",\"ts\":" + TS + "}"));
    assertThat(click.click(), equalTo(new Click("k", "i", "", TS)));
  }

  @Test
  public void badBytesAreDeadLettersWithTheirTopicReasonAndPayload() {
    ParsedRecord bad =
        deserializer().deserialize("imps", utf8("{\"impr_id\":\"i\",\"ts\":" + TS + "}"));
    assertThat(bad.deadLetter().source(), equalTo("imps"));
    assertThat(bad.deadLetter().reason(), equalTo(DeadLetter.Reason.MISSING_FIELD));
    assertThat(bad.deadLetter().payload(), equalTo("{\"impr_id\":\"i\",\"ts\":" + TS + "}"));
    assertThat(bad.eventTime(), equalTo(null));
    assertThat(
        deserializer().deserialize("clks", utf8("{\"click_id\":")).deadLetter().reason(),
        equalTo(DeadLetter.Reason.MALFORMED_JSON));
    assertThat(
        deserializer().deserialize("clks", null).deadLetter().detail(), equalTo("empty record"));
  }

  @Test
  public void withAvroSchemasConfiguredRecordsAreDecodedAsAvro() throws Exception {
    org.apache.avro.Schema schema =
        io.ctrstream.contract.avro.AvroSchemaSet.parse(
            java.nio.file.Paths.get("..", "schemas", "click.avsc"));
    ParsedRecordDeserializer d = new ParsedRecordDeserializer();
    d.configure(
        Map.of(
            ParsedRecordDeserializer.IMPRESSIONS_TOPIC,
            "imps",
            ParsedRecordDeserializer.AVRO_SCHEMAS,
            io.ctrstream.contract.avro.AvroSchemaSet.of(java.util.List.of(schema), Map.of())
                .toJson()),
        false);
    org.apache.avro.generic.GenericRecord click =
        new org.apache.avro.generic.GenericRecordBuilder(schema)
            .set("click_id", "k")
            .set("impr_id", "i")
            .set("ts", TS)
            .build();
    java.nio.ByteBuffer b =
        new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
                org.apache.avro.generic.GenericData.get(), schema)
            .encode(click);
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    assertThat(d.deserialize("clks", bytes).click(), equalTo(new Click("k", "i", "", TS)));
    // a JSON record on an Avro topic is a dead letter, not a crash
    assertThat(
        d.deserialize("clks", utf8("{\"click_id\":\"k\"}")).deadLetter().reason(),
        equalTo(DeadLetter.Reason.MALFORMED_AVRO));
  }

  @Test
  public void aHeartbeatCarriesItsTsAndNoEvent() {
    ParsedRecord beat =
        deserializer().deserialize("imps", utf8("{\"heartbeat\":true,\"ts\":" + TS + "}"));
    assertThat(beat.heartbeatTs(), equalTo(TS));
    assertThat(beat.impression(), equalTo(null));
    assertThat(
        deserializer().deserialize("imps", utf8("{\"heartbeat\":true}")).eventTime(),
        equalTo(null));
  }

  @Test(expected = IllegalArgumentException.class)
  public void withoutTheImpressionTopicItRefusesToStart() {
    new ParsedRecordDeserializer().configure(Map.of(), false);
  }
}
