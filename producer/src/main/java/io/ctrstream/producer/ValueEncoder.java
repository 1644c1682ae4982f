package io.ctrstream.producer;

import io.ctrstream.producer.EventPublisher.Stream;
import java.nio.charset.StandardCharsets;

/** Turns an event (a JSON object's text) or a watermark heartbeat into a record's value. */
interface ValueEncoder {
  /** The event's bytes on its topic. */
  byte[] event(Stream stream, String json);

  /** A watermark heartbeat at {@code ts} (epoch ms). */
  byte[] heartbeat(long ts);

  /** How many events could not be encoded and were sent as they are (0 for JSON). */
  default long sentAsIs() {
    return 0;
  }

  /** UTF-8 JSON, as the events are read. */
  ValueEncoder JSON =
      new ValueEncoder() {
        @Override
        public byte[] event(Stream stream, String json) {
          return json.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] heartbeat(long ts) {
          return ("{\"heartbeat\":true,\"ts\":" + ts + "}").getBytes(StandardCharsets.UTF_8);
        }
      };
}
