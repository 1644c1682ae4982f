package org.apache.beam.sdk.io.kafka;

import org.apache.beam.sdk.io.UnboundedSource;

/**
 * The {@link UnboundedSource} behind a {@link KafkaIO.Read}: the one that {@code KafkaIO.Read}'s
 * legacy expansion ({@code ReadFromKafkaViaUnbounded}, which Beam's Flink runner uses) wraps in a
 * {@code Read.from}, reachable from outside Beam only through this package ({@code
 * KafkaIO.Read#makeSource} is package-private). ctrstream reads it in batches ({@code
 * io.ctrstream.pipeline.io.BatchingSource}) rather than through {@code KafkaIO.Read}'s own {@code
 * expand()}. This class is the job's only use of a Beam-internal member; an upgrade of Beam that
 * removes {@code makeSource} fails here, at compile time.
 */
public final class KafkaReadSource {
  /**
   * The Beam release this class was written against and checked on: {@code makeSource} and the
   * legacy expansion it mirrors are Beam internals that may change in any release, so a build on
   * another Beam version fails {@code KafkaReadSourceTest} until someone has checked them again.
   */
  public static final String WRITTEN_AGAINST_BEAM = "2.70.0";

  private KafkaReadSource() {}

  /**
   * The source {@code read} describes: its topics, consumer properties, deserializers, timestamp
   * policy and offset commits, exactly as its legacy expansion would read them.
   *
   * @param read a configured read whose key and value coders are set ({@code
   *     withKeyDeserializerAndCoder}, {@code withValueDeserializerAndCoder})
   * @return the source of {@link KafkaRecord}s, split by partition when the runner splits it
   * @throws IllegalArgumentException if a coder is missing
   */
  public static <K, V> UnboundedSource<KafkaRecord<K, V>, KafkaCheckpointMark> of(
      KafkaIO.Read<K, V> read) {
    if (read.getKeyCoder() == null || read.getValueCoder() == null) {
      throw new IllegalArgumentException(
          "KafkaReadSource needs the read's key and value coders set explicitly");
    }
    return read.makeSource();
  }
}
