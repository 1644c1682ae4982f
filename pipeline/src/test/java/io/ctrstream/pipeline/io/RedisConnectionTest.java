package io.ctrstream.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import io.ctrstream.contract.RedisKeys;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class RedisConnectionTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static RedisConnection withFile(String file) {
    return new RedisConnection(
        "127.0.0.1", 6379, file, new RedisKeys("ctr"), Duration.standardDays(1));
  }

  @Test
  public void thePasswordIsReadFromTheFileEachTimeWithoutItsLineEnd() throws Exception {
    Path file = tmp.newFile("redis-password").toPath();
    Files.writeString(file, "s3cret\n");
    RedisConnection redis = withFile(file.toString());
    assertThat(redis.password(), equalTo("s3cret"));
    Files.writeString(file, "rotated");
    assertThat(redis.password(), equalTo("rotated"));
  }

  @Test
  public void anUnreadableFileIsAnErrorNamingItAndTheFlag() {
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> withFile("/no/such/file").password());
    assertThat(
        e.getMessage(),
        equalTo("cannot read the Redis password file /no/such/file (--redisPasswordFile)"));
  }

  @Test
  public void theSerializedConnectionHoldsNoPassword() throws Exception {
    Path file = tmp.newFile("redis-password").toPath();
    Files.writeString(file, "s3cret");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream objects = new java.io.ObjectOutputStream(out)) {
      objects.writeObject(withFile(file.toString())); // as the DoFns that hold it are serialized
    }
    byte[] bytes = out.toByteArray();
    assertThat(
        new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains("s3cret"),
        equalTo(false));
    assertThat(
        new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1),
        containsString(file.toString()));
  }
}
