package io.ctrstream.pipeline.transforms;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.transforms.JoinState.JoinStateCoder;
import io.ctrstream.pipeline.transforms.JoinState.KnownClick;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;

/**
 * {@link JoinStateCoder}'s layout is pinned: the bytes Beam's coders write field by field, so a
 * checkpoint or savepoint of the join restores after any rewrite of the coder; and decoding gives
 * back every field.
 */
public class JoinStateTest {
  private static final JoinStateCoder CODER = JoinStateCoder.INSTANCE;

  @Test
  public void anImpressionWithClicksIsEncodedAsBeamsCodersEncodeIt() throws Exception {
    JoinState s = new JoinState("i-1");
    s.impression =
        new Impression(
            "i-1",
            "u-é-42",
            "c7",
            1_709_294_401_123L,
            new TreeMap<>(Map.of("device", "mobile", "region", "eu-west", "exchange", "3")));
    s.addClick(new KnownClick("k-1", "u-é-42", 1_709_294_402_000L, false));
    s.addClick(new KnownClick("k-2", "u-é-42", 1_709_294_499_999L, true));
    s.countedClicks = 1;
    s.firedUpTo = 1_709_294_417_124L;
    s.timerAt = 1_709_294_515_000L;
    assertEncodedAsBeamsCoders(s);
  }

  @Test
  public void clicksWithoutTheirImpressionAndAFreshStateAreEncodedAsBeamsCodersEncodeThem()
      throws Exception {
    JoinState waiting = new JoinState("orphan-i-9");
    waiting.addClick(new KnownClick("k-9", "u-1", 1_709_294_401_000L, false));
    waiting.timerAt = 1_709_294_416_001L;
    assertEncodedAsBeamsCoders(waiting);
    assertEncodedAsBeamsCoders(new JoinState("i-fresh"));
  }

  /** Random states: long strings (length over 127), many clicks, values of every varint length. */
  @Test
  public void randomStatesAreEncodedAsBeamsCodersEncodeThem() throws Exception {
    Random random = new Random(42);
    for (int n = 0; n < 500; n++) {
      JoinState s = new JoinState(text(random));
      if (random.nextBoolean()) {
        TreeMap<String, String> dimensions = new TreeMap<>();
        for (int d = random.nextInt(4); d > 0; d--) {
          dimensions.put(text(random), text(random));
        }
        s.impression =
            new Impression(
                s.imprId, text(random), text(random), random.nextLong() >>> 1, dimensions);
      }
      for (int c = random.nextInt(5); c > 0; c--) {
        s.addClick(
            new KnownClick(text(random), text(random), random.nextLong(), random.nextBoolean()));
      }
      s.countedClicks = random.nextInt();
      s.firedUpTo = random.nextLong() >>> random.nextInt(64);
      s.timerAt = random.nextLong();
      assertEncodedAsBeamsCoders(s);
    }
  }

  private static String text(Random random) {
    int length = random.nextInt(10) == 0 ? 130 + random.nextInt(200) : random.nextInt(12);
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < length; k++) {
      b.append(
          random.nextInt(8) == 0 ? (char) (0xE9 + random.nextInt(300)) : (char) ('a' + k % 26));
    }
    return b.toString();
  }

  private static void assertEncodedAsBeamsCoders(JoinState s) throws Exception {
    byte[] bytes = CoderUtils.encodeToByteArray(CODER, s);
    assertThat(bytes, equalTo(fieldByField(s)));
    JoinState back = CoderUtils.decodeFromByteArray(CODER, bytes);
    assertThat(back.imprId, equalTo(s.imprId));
    assertThat(back.impression, equalTo(s.impression));
    assertThat(clicks(back.clicks), equalTo(clicks(s.clicks)));
    assertThat(back.countedClicks, equalTo(s.countedClicks));
    assertThat(back.firedUpTo, equalTo(s.firedUpTo));
    assertThat(back.timerAt, equalTo(s.timerAt));
  }

  private static List<String> clicks(List<KnownClick> clicks) {
    return clicks.stream()
        .map(c -> c.clickId + "|" + c.userId + "|" + c.ts + "|" + c.reported)
        .toList();
  }

  /** The layout as Beam's coders write it, one field after another. */
  private static byte[] fieldByField(JoinState s) throws IOException {
    StringUtf8Coder string = StringUtf8Coder.of();
    VarLongCoder varLong = VarLongCoder.of();
    VarIntCoder varInt = VarIntCoder.of();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OutputStream out = bytes;
    string.encode(s.imprId, out);
    out.write(s.impression == null ? 0 : 1);
    if (s.impression != null) {
      string.encode(s.impression.userId(), out);
      string.encode(s.impression.campaignId(), out);
      varLong.encode(s.impression.ts(), out);
      varInt.encode(s.impression.dimensions().size(), out);
      for (Map.Entry<String, String> d : s.impression.dimensions().entrySet()) {
        string.encode(d.getKey(), out);
        string.encode(d.getValue(), out);
      }
    }
    varInt.encode(s.clicks.size(), out);
    for (KnownClick c : s.clicks) {
      string.encode(c.clickId, out);
      string.encode(c.userId, out);
      varLong.encode(c.ts, out);
      out.write(c.reported ? 1 : 0);
    }
    varInt.encode(s.countedClicks, out);
    varLong.encode(s.firedUpTo, out);
    varLong.encode(s.timerAt, out);
    return bytes.toByteArray();
  }
}
