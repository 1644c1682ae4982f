package io.ctrstream.pipeline.transforms;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.ctrstream.contract.avro.AvroFraming;
import io.ctrstream.contract.avro.AvroSchemaSet;
import io.ctrstream.pipeline.model.DeadLetter.Reason;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.RawEvent.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.Test;

/**
 * The Avro decoder: each framing (single-object as Avro's own encoder writes it, and the registry
 * wire format), schema evolution by Avro's resolution rules, and every dead-letter reason.
 */
public class AvroEventDecoderTest {
  private static final Path SCHEMAS =
      Paths.get("..", "schemas").toAbsolutePath().normalize(); // the repository's schemas/
  private static final Schema IMPRESSION = AvroSchemaSet.parse(SCHEMAS.resolve("impression.avsc"));
  private static final Schema CLICK = AvroSchemaSet.parse(SCHEMAS.resolve("click.avsc"));
  private static final Schema HEARTBEAT = AvroSchemaSet.parse(SCHEMAS.resolve("heartbeat.avsc"));

  /** Version 2 of the impression: user_id and site_category removed, placement added. */
  private static final Schema IMPRESSION_V2 =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Impression\",\"namespace\":\"io.ctrstream.avro\","
                  + "\"fields\":[{\"name\":\"impr_id\",\"type\":\"string\"},"
                  + "{\"name\":\"campaign_id\",\"type\":\"string\"},"
                  + "{\"name\":\"ts\",\"type\":\"long\"},"
                  + "{\"name\":\"device\",\"type\":[\"null\",\"string\"],\"default\":null},"
                  + "{\"name\":\"placement\",\"type\":[\"null\",\"string\"],\"default\":null}]}");

  /** An impression written by a producer that has no campaign_id. */
  private static final Schema NO_CAMPAIGN =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Impression\",\"fields\":["
                  + "{\"name\":\"impr_id\",\"type\":\"string\"},{\"name\":\"ts\",\"type\":\"long\"}]}");

  /** An impression whose impr_id is a long: Avro does not resolve a long to a string. */
  private static final Schema LONG_ID =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Impression\",\"fields\":["
                  + "{\"name\":\"impr_id\",\"type\":\"long\"},{\"name\":\"campaign_id\",\"type\":\"string\"},"
                  + "{\"name\":\"ts\",\"type\":\"long\"}]}");

  private static final long TS = 1_709_294_400_000L; // 2024-03-01T12:00:00Z
  private static final long NOW = TS + 60_000;

  private final AvroEventDecoder decoder =
      new AvroEventDecoder(
          AvroSchemaSet.of(
              List.of(IMPRESSION, CLICK, HEARTBEAT, IMPRESSION_V2, NO_CAMPAIGN, LONG_ID),
              Map.of(7, IMPRESSION, 8, CLICK)),
          EventTimeRange.standard());

  private static GenericRecord impression(String imprId) {
    return new GenericRecordBuilder(IMPRESSION)
        .set("impr_id", imprId)
        .set("campaign_id", "906")
        .set("ts", TS)
        .set("user_id", "u1")
        .set("device", "type-1")
        .set("banner_pos", "0")
        .build();
  }

  private static byte[] singleObject(GenericRecord record) throws IOException {
    ByteBuffer b =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), record.getSchema())
            .encode(record);
    return Arrays.copyOfRange(
        b.array(), b.arrayOffset() + b.position(), b.arrayOffset() + b.limit());
  }

  private static byte[] body(GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, e);
    e.flush();
    return out.toByteArray();
  }

  private ParsedRecord impressionOf(byte[] payload) {
    return decoder.parse(Kind.IMPRESSION, "impressions", payload, NOW);
  }

  private void assertDeadLetter(ParsedRecord r, Reason reason, String detail, byte[] payload) {
    assertThat(r.impression(), nullValue());
    assertThat(r.deadLetter().reason(), equalTo(reason));
    assertThat(r.deadLetter().detail(), containsString(detail));
    assertThat(r.deadLetter().payload(), equalTo(Base64.getEncoder().encodeToString(payload)));
  }

  @Test
  public void singleObjectEncodingAsAvroWritesIt() throws Exception {
    byte[] payload = singleObject(impression("i1"));
    assertThat(payload[0], equalTo((byte) 0xC3));
    assertThat(payload[1], equalTo((byte) 0x01));
    Impression i = impressionOf(payload).impression();
    assertThat(i.imprId(), equalTo("i1"));
    assertThat(i.campaignId(), equalTo("906"));
    assertThat(i.ts(), equalTo(TS));
    assertThat(i.userId(), equalTo("u1"));
    // every other field is a dimension; null ones are left out, as JSON nulls are
    assertThat(
        i.dimensions(), equalTo(new TreeMap<>(Map.of("device", "type-1", "banner_pos", "0"))));
  }

  @Test
  public void registryWireFormatFindsTheSchemaById() throws Exception {
    byte[] payload = AvroFraming.registry(7, body(impression("i2")));
    assertThat(impressionOf(payload).impression().imprId(), equalTo("i2"));
    GenericRecord click =
        new GenericRecordBuilder(CLICK)
            .set("click_id", "c1")
            .set("impr_id", "i2")
            .set("ts", TS + 3_000)
            .build();
    ParsedRecord c = decoder.parse(Kind.CLICK, "clicks", AvroFraming.registry(8, body(click)), NOW);
    assertThat(c.click().clickId(), equalTo("c1"));
    assertThat(c.click().imprId(), equalTo("i2"));
    assertThat(c.click().userId(), equalTo(""));
    assertThat(c.click().ts(), equalTo(TS + 3_000));
  }

  @Test
  public void aNewerWriterWithAFieldAddedAndTwoRemovedResolves() throws Exception {
    GenericRecord v2 =
        new GenericRecordBuilder(IMPRESSION_V2)
            .set("impr_id", "i3")
            .set("campaign_id", "906")
            .set("ts", TS)
            .set("device", "type-2")
            .set("placement", "top")
            .build();
    Impression i = impressionOf(singleObject(v2)).impression();
    assertThat(i.imprId(), equalTo("i3"));
    assertThat(i.userId(), equalTo("")); // removed optional field: the reader's default
    assertThat(
        i.dimensions(), equalTo(new TreeMap<>(Map.of("device", "type-2", "placement", "top"))));
  }

  @Test
  public void aHeartbeatMovesTheWatermark() throws Exception {
    GenericRecord beat =
        new GenericRecordBuilder(HEARTBEAT).set("heartbeat", true).set("ts", TS).build();
    assertThat(impressionOf(singleObject(beat)).heartbeatTs(), equalTo(TS));
  }

  @Test
  public void everyDeadLetterReason() throws Exception {
    byte[] empty = new byte[0];
    assertDeadLetter(impressionOf(empty), Reason.MALFORMED_AVRO, "empty record", empty);

    byte[] json = "{\"impr_id\":\"i1\"}".getBytes(StandardCharsets.UTF_8);
    assertDeadLetter(
        impressionOf(json), Reason.MALFORMED_AVRO, "neither Avro's single-object", json);

    byte[] good = singleObject(impression("i1"));
    byte[] truncated = Arrays.copyOf(good, good.length - 4);
    assertDeadLetter(impressionOf(truncated), Reason.MALFORMED_AVRO, "cannot decode", truncated);

    byte[] longer = Arrays.copyOf(good, good.length + 3);
    assertDeadLetter(impressionOf(longer), Reason.MALFORMED_AVRO, "bytes left after", longer);

    byte[] unknown = good.clone();
    unknown[5] ^= 0x55; // another fingerprint
    assertDeadLetter(
        impressionOf(unknown), Reason.UNKNOWN_SCHEMA, "no known writer schema has", unknown);

    byte[] unmapped = AvroFraming.registry(99, body(impression("i1")));
    assertDeadLetter(
        impressionOf(unmapped), Reason.UNKNOWN_SCHEMA, "schema id 99 is not mapped", unmapped);

    byte[] noCampaign =
        singleObject(
            new GenericRecordBuilder(NO_CAMPAIGN).set("impr_id", "i1").set("ts", TS).build());
    assertDeadLetter(impressionOf(noCampaign), Reason.MISSING_FIELD, "campaign_id", noCampaign);

    byte[] longId =
        singleObject(
            new GenericRecordBuilder(LONG_ID)
                .set("impr_id", 42L)
                .set("campaign_id", "906")
                .set("ts", TS)
                .build());
    assertDeadLetter(impressionOf(longId), Reason.INVALID_FIELD, "impr_id", longId);

    byte[] blank = singleObject(impression(" "));
    assertDeadLetter(impressionOf(blank), Reason.MISSING_FIELD, "impr_id is blank", blank);

    GenericRecord old = impression("i1");
    old.put("ts", 42L);
    byte[] early = singleObject(old);
    assertDeadLetter(impressionOf(early), Reason.TS_OUT_OF_RANGE, "", early);

    // a click schema on the impressions topic: a field the impression needs is missing
    byte[] click =
        singleObject(
            new GenericRecordBuilder(CLICK)
                .set("click_id", "c1")
                .set("impr_id", "i1")
                .set("ts", TS)
                .build());
    assertDeadLetter(impressionOf(click), Reason.MISSING_FIELD, "campaign_id", click);
  }
}
