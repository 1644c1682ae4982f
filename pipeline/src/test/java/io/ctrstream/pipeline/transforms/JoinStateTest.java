package io.ctrstream.pipeline.transforms;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.transforms.JoinState.JoinStateCoder;
import io.ctrstream.pipeline.transforms.JoinState.KnownClick;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;

/**
 * {@link JoinStateCoder}'s layout is pinned to bytes written out by hand here (var-int lengths and
 * LEB128 numbers, as Beam's {@code StringUtf8Coder} and {@code VarLongCoder} write them), so a
 * checkpoint or savepoint of the join restores after any rewrite of the coder; and decoding gives
 * back every field.
 */
public class JoinStateTest {
  private static final JoinStateCoder CODER = JoinStateCoder.INSTANCE;

  @Test
  public void anImpressionWithAClickHasThePinnedLayout() throws Exception {
    JoinState s = new JoinState("i-1");
    s.impression =
        new Impression(
            "i-1", "u-\u00e9", "c7", 1_709_294_401_123L, new TreeMap<>(Map.of("device", "mobile")));
    s.addClick(new KnownClick("k-1", "u-\u00e9", 1_709_294_402_000L, false));
    s.countedClicks = 1;
    s.timerAt = 1_709_294_515_000L;
    String expected =
        "03692d31" // impr_id "i-1": length 3, UTF-8
            + "01" // the impression is there
            + "04752dc3a9" // user "u-é": 4 bytes
            + "026337" // campaign "c7"
            + "e3ec8acfdf31" // ts 1709294401123 as LEB128
            + "01" // one dimension
            + "06646576696365" // "device"
            + "066d6f62696c65" // "mobile"
            + "01" // one click
            + "036b2d31" // click_id "k-1"
            + "04752dc3a9" // its user
            + "d0f38acfdf31" // its ts 1709294402000
            + "00" // not reported
            + "01" // countedClicks 1
            + "00" // firedUpTo 0
            + "b8e691cfdf31"; // timerAt 1709294515000
    assertRoundTrip(s, expected);
  }

  @Test
  public void aFreshStateHasThePinnedLayout() throws Exception {
    // "i-2", no impression, no clicks, countedClicks, firedUpTo and timerAt all 0
    assertRoundTrip(new JoinState("i-2"), "03692d320000000000");
  }

  /**
   * The join changes a {@link JoinState#copy} and never what it read: with {@code --fasterCopy} the
   * heap state backend's snapshot in progress may hold that very object. Every kind of change, on a
   * state with clicks already: a winning earlier copy of the impression, a new click, an earlier
   * copy of a known click, a known click's verdict reported, a firing.
   */
  @Test
  public void changingACopyLeavesTheStateItWasCopiedFromAsItWas() throws Exception {
    JoinRules rules = new JoinRules();
    JoinState read = new JoinState("i-1");
    rules.impression(read, "c1", 100_000L);
    rules.click(read, "k-1", 150_000L);
    rules.click(read, "k-3", 160_000L);
    byte[] before = CoderUtils.encodeToByteArray(CODER, read);

    JoinState changed = read.copy();
    rules.impression(changed, "c2", 99_000L);
    rules.click(changed, "k-2", 101_000L);
    rules.click(changed, "k-3", 155_000L);
    rules.reportAll(changed); // k-1 (and k-3) outside the window
    changed.firedUpTo = 200_000L;
    changed.timerAt = 300_000L;

    assertThat(changed.click("k-1").reported, equalTo(true));
    assertThat(
        HexFormat.of().formatHex(CoderUtils.encodeToByteArray(CODER, read)),
        equalTo(HexFormat.of().formatHex(before)));
  }

  /**
   * Random states (long strings, non-ASCII, many clicks, values of every var-int length, negative
   * numbers) decode to every field they were encoded with.
   */
  @Test
  public void randomStatesDecodeToEveryField() throws Exception {
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
      assertDecodesToEveryField(s, CoderUtils.encodeToByteArray(CODER, s));
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

  private static void assertRoundTrip(JoinState s, String expectedHex) throws Exception {
    byte[] bytes = CoderUtils.encodeToByteArray(CODER, s);
    assertThat(HexFormat.of().formatHex(bytes), equalTo(expectedHex));
    assertDecodesToEveryField(s, bytes);
  }

  private static void assertDecodesToEveryField(JoinState s, byte[] bytes) throws Exception {
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
}
