package org.apache.beam.sdk.io.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.Assert.assertThrows;

import java.util.List;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.util.ReleaseInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.Test;

public class KafkaReadSourceTest {

  private static KafkaIO.Read<byte[], byte[]> read() {
    return KafkaIO.<byte[], byte[]>read()
        .withBootstrapServers("127.0.0.1:9")
        .withTopics(List.of("impressions", "clicks"));
  }

  /**
   * The pin: this build's Beam is the one {@link KafkaReadSource} was checked against. On a Beam
   * upgrade, read {@code KafkaIO.Read#makeSource} and {@code ReadFromKafkaViaUnbounded} of the new
   * release, compare them with {@link KafkaReadSource} and {@code BatchingSource}, then move {@link
   * KafkaReadSource#WRITTEN_AGAINST_BEAM}.
   */
  @Test
  public void writtenAgainstThisBuildsBeam() {
    String built =
        System.getProperty("ctrstream.beam.version", ReleaseInfo.getReleaseInfo().getSdkVersion());
    assertThat(
        "KafkaReadSource reaches into Beam's KafkaIO internals; check it against Beam " + built,
        built,
        equalTo(KafkaReadSource.WRITTEN_AGAINST_BEAM));
    assertThat(ReleaseInfo.getReleaseInfo().getSdkVersion(), equalTo(built));
  }

  @Test
  public void theSourceIsKafkaIOsOwnUnboundedSource() {
    UnboundedSource<KafkaRecord<byte[], byte[]>, KafkaCheckpointMark> source =
        KafkaReadSource.of(
            read()
                .withKeyDeserializerAndCoder(ByteArrayDeserializer.class, ByteArrayCoder.of())
                .withValueDeserializerAndCoder(ByteArrayDeserializer.class, ByteArrayCoder.of()));
    assertThat(source, instanceOf(KafkaUnboundedSource.class));
    assertThat(source.getOutputCoder(), instanceOf(KafkaRecordCoder.class));
    assertThat(
        ((KafkaUnboundedSource<?, ?>) source).getSpec().getTopics(),
        equalTo(List.of("impressions", "clicks")));
  }

  @Test
  public void aReadWithoutCodersIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> KafkaReadSource.of(read().withKeyDeserializer(ByteArrayDeserializer.class)));
    assertThat(
        e.getMessage(),
        equalTo("KafkaReadSource needs the read's key and value coders set explicitly"));
  }
}
