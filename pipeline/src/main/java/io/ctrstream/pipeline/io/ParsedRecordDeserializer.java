package io.ctrstream.pipeline.io;

import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.RawEvent;
import io.ctrstream.pipeline.transforms.EventParser;
import io.ctrstream.pipeline.transforms.EventTimeRange;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The Kafka value deserializer of the job: bytes → {@link ParsedRecord} (an impression, a click, a
 * heartbeat or a dead letter), with the one JSON parse each record gets. The watermark policy then
 * reads {@code ts} from the parsed record ({@link EventTimePolicy}).
 *
 * <p>Which stream a record belongs to comes from its topic: the consumer property {@value
 * #IMPRESSIONS_TOPIC} names the impression topic; every other topic carries clicks.
 */
public class ParsedRecordDeserializer implements Deserializer<ParsedRecord> {
  /** Consumer property: the impression topic. */
  public static final String IMPRESSIONS_TOPIC = "ctrstream.impressions.topic";

  private final EventParser parser = new EventParser(EventTimeRange.standard());
  private String impressionsTopic;

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    Object topic = configs.get(IMPRESSIONS_TOPIC);
    if (topic == null) {
      throw new IllegalArgumentException(
          "ParsedRecordDeserializer needs the consumer property " + IMPRESSIONS_TOPIC);
    }
    impressionsTopic = topic.toString();
  }

  @Override
  public ParsedRecord deserialize(String topic, byte[] data) {
    RawEvent.Kind kind =
        topic.equals(impressionsTopic) ? RawEvent.Kind.IMPRESSION : RawEvent.Kind.CLICK;
    return parser.parse(kind, topic, data, System.currentTimeMillis());
  }
}
