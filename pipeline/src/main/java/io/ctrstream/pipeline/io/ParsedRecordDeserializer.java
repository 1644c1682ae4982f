package io.ctrstream.pipeline.io;

import io.ctrstream.contract.avro.AvroSchemaSet;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.RawEvent;
import io.ctrstream.pipeline.transforms.AvroEventDecoder;
import io.ctrstream.pipeline.transforms.EventParser;
import io.ctrstream.pipeline.transforms.EventTimeRange;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The Kafka value deserializer of the job: bytes → {@link ParsedRecord} (an impression, a click, a
 * heartbeat or a dead letter), with the one parse each record gets: JSON ({@link EventParser}), or
 * Avro when the consumer property {@value #AVRO_SCHEMAS} is set ({@link AvroEventDecoder}). The
 * watermark policy then reads {@code ts} from the parsed record ({@link EventTimePolicy}).
 *
 * <p>Which stream a record belongs to comes from its topic: the consumer property {@value
 * #IMPRESSIONS_TOPIC} names the impression topic; every other topic carries clicks.
 */
public class ParsedRecordDeserializer implements Deserializer<ParsedRecord> {
  /** Consumer property: the impression topic. */
  public static final String IMPRESSIONS_TOPIC = "ctrstream.impressions.topic";

  /**
   * Consumer property: with {@code --format=avro}, the writer schemas ({@link
   * AvroSchemaSet#toJson}); absent for JSON.
   */
  public static final String AVRO_SCHEMAS = "ctrstream.avro.schemas";

  private final EventParser parser = new EventParser(EventTimeRange.standard());
  private AvroEventDecoder avro;
  private String impressionsTopic;

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    Object topic = configs.get(IMPRESSIONS_TOPIC);
    if (topic == null) {
      throw new IllegalArgumentException(
          "ParsedRecordDeserializer needs the consumer property " + IMPRESSIONS_TOPIC);
    }
    impressionsTopic = topic.toString();
    Object schemas = configs.get(AVRO_SCHEMAS);
    if (schemas != null) {
      avro =
          new AvroEventDecoder(
              AvroSchemaSet.fromJson(schemas.toString()), EventTimeRange.standard());
    }
  }

  @Override
  public ParsedRecord deserialize(String topic, byte[] data) {
    RawEvent.Kind kind =
        topic.equals(impressionsTopic) ? RawEvent.Kind.IMPRESSION : RawEvent.Kind.CLICK;
    long now = System.currentTimeMillis();
    return avro != null ? avro.parse(kind, topic, data, now) : parser.parse(kind, topic, data, now);
  }
}
