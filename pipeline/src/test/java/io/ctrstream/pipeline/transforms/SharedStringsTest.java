package io.ctrstream.pipeline.transforms;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.sameInstance;

import io.ctrstream.pipeline.model.Impression;
import java.util.Map;
import java.util.TreeMap;
import org.junit.Test;

public class SharedStringsTest {
  @Test
  public void equalStringsComeBackAsTheFirstInstance() {
    SharedStrings strings = new SharedStrings();
    String first = new String("campaign-7");
    assertThat(strings.of(first), sameInstance(first));
    assertThat(strings.of(new String("campaign-7")), sameInstance(first));
    assertThat(strings.of("campaign-8"), equalTo("campaign-8"));
  }

  @Test
  public void itStartsAfreshOnceFull() {
    SharedStrings strings = new SharedStrings();
    String first = new String("v0");
    strings.of(first);
    for (int i = 1; i < SharedStrings.CAPACITY; i++) {
      strings.of("v" + i);
    }
    assertThat(strings.of(new String("v0")), sameInstance(first)); // still held: exactly full
    strings.of("one more"); // the 65,537th distinct string: starts afresh
    assertThat(strings.of(new String("v0")), not(sameInstance(first)));
  }

  /** Two impressions of one campaign, parsed apart, share its id and their dimensions in state. */
  @Test
  public void theJoinKeepsOneCampaignIdAndOneIdPerImpression() {
    JoinRules rules = new JoinRules();
    JoinState a = new JoinState(new String("i-1"));
    JoinState b = new JoinState(new String("i-2"));
    rules.take(a, impression("i-1"));
    rules.take(b, impression("i-2"));

    assertThat(a.impression, equalTo(impression("i-1")));
    assertThat(a.impression.imprId(), sameInstance(a.imprId));
    assertThat(b.impression.campaignId(), sameInstance(a.impression.campaignId()));
    assertThat(
        b.impression.dimensions().get("device"),
        sameInstance(a.impression.dimensions().get("device")));
  }

  private static Impression impression(String imprId) {
    return new Impression(
        new String(imprId),
        new String("u-1"),
        new String("c1"),
        1_000L,
        new TreeMap<>(Map.of(new String("device"), new String("mobile"))));
  }
}
