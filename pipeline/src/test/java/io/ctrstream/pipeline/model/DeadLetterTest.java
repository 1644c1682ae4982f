package io.ctrstream.pipeline.model;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import io.ctrstream.pipeline.model.DeadLetter.Reason;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;

public class DeadLetterTest {
  @Test
  public void aHugeRecordIsCutToBoundsThatFitAKafkaRecordAndTheCutIsNoted() throws Exception {
    String payload = "{\"ts\":\"" + "x".repeat(1 << 20) + "\"}";
    DeadLetter d =
        new DeadLetter(
            "impressions", Reason.INVALID_FIELD, "ts is not an integer: " + payload, payload);
    assertThat(d.payload(), equalTo(payload.substring(0, DeadLetter.MAX_PAYLOAD)));
    assertThat(d.detail().length(), equalTo(DeadLetter.MAX_DETAIL));
    assertThat(
        d.detail(),
        endsWith("… [payload cut to its first 100000 of " + payload.length() + " characters]"));
    // decoding cuts nothing again
    assertThat(CoderUtils.clone(DeadLetter.DeadLetterCoder.of(), d), equalTo(d));
  }

  @Test
  public void anOrdinaryRecordIsKeptWhole() {
    DeadLetter d =
        new DeadLetter(
            "clicks", Reason.MALFORMED_JSON, "Unexpected end-of-input", "{\"click_id\":");
    assertThat(d.detail(), equalTo("Unexpected end-of-input"));
    assertThat(d.payload(), equalTo("{\"click_id\":"));
  }
}
