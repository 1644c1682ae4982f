package io.ctrstream.pipeline.options;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import org.joda.time.Duration;
import org.junit.Test;

public class DurationsTest {
  @Test
  public void readsDurationsAsPeopleWriteThem() {
    assertThat(Durations.parse("f", "500ms"), equalTo(Duration.millis(500)));
    assertThat(Durations.parse("f", "30s"), equalTo(Duration.standardSeconds(30)));
    assertThat(Durations.parse("f", "30m"), equalTo(Duration.standardMinutes(30)));
    assertThat(Durations.parse("f", "1h"), equalTo(Duration.standardHours(1)));
    assertThat(Durations.parse("f", "7d"), equalTo(Duration.standardDays(7)));
    assertThat(Durations.parse("f", "1h30m"), equalTo(Duration.standardMinutes(90)));
    assertThat(Durations.parse("f", " 0s "), equalTo(Duration.ZERO));
  }

  @Test
  public void readsIso8601() {
    assertThat(Durations.parse("f", "PT30S"), equalTo(Duration.standardSeconds(30)));
    assertThat(Durations.parse("f", "pt1h30m"), equalTo(Duration.standardMinutes(90)));
  }

  @Test
  public void rejectsBadValuesNamingTheFlag() {
    for (String bad : new String[] {"", "30", "30 s", "-5s", "1y", "P1M", "abc", "5sec"}) {
      InvalidFlagException e =
          assertThrows(InvalidFlagException.class, () -> Durations.parse("windowSize", bad));
      assertThat(e.getMessage(), containsString("--windowSize"));
      assertThat(e.flag(), equalTo("windowSize"));
    }
    InvalidFlagException zero =
        assertThrows(
            InvalidFlagException.class, () -> Durations.parsePositive("earlyFiringPeriod", "0s"));
    assertThat(zero.getMessage(), equalTo("--earlyFiringPeriod=0s: must be longer than zero"));
  }

  @Test
  public void formatsCompactly() {
    assertThat(Durations.format(Duration.standardMinutes(90)), equalTo("1h30m"));
    assertThat(Durations.format(Duration.millis(15_250)), equalTo("15s250ms"));
    assertThat(Durations.format(Duration.ZERO), equalTo("0s"));
  }
}
