package io.ctrstream.pipeline.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** The yardstick itself agrees with the hand-checked expectations of {@code testdata/}. */
public class ReferenceCtrTest {
  @Test
  public void agreesWithTheHandCheckedTestdata() throws Exception {
    Path testdata = Paths.get("..", "testdata");
    ReferenceCtr ref =
        ReferenceCtr.compute(
            testdata.resolve("impressions.jsonl"),
            testdata.resolve("clicks.jsonl"),
            30_000,
            15_000);
    long t0 = 1709294400000L;
    assertThat(
        ref.counts,
        equalTo(
            Map.of(
                "c1|" + t0,
                List.of(3L, 3L),
                "c2|" + t0,
                List.of(2L, 2L),
                "c1|" + (t0 + 30_000),
                List.of(2L, 1L),
                "c2|" + (t0 + 30_000),
                List.of(2L, 0L),
                "c1|" + (t0 + 60_000),
                List.of(2L, 1L),
                "c2|" + (t0 + 60_000),
                List.of(1L, 1L))));
    assertThat(ref.impressions, equalTo(12L));
    assertThat(ref.attributedClicks, equalTo(8L));
    assertThat(ref.unattributedClicks, equalTo(3L));
  }
}
