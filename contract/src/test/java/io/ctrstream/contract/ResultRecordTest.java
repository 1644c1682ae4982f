package io.ctrstream.contract;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** The one encoding of a result and an alert, field by field, and both forms read back. */
public class ResultRecordTest {
  private static final long T0 = 1_709_294_400_000L; // 2024-03-01T12:00:00Z
  private static final ResultRecord C1 =
      new ResultRecord(
          "campaign", "c1", T0, T0 + 30_000, 4, 1, 0.25, "ON_TIME", 0, false, null, null);

  @Test
  public void aCsvLineHasTheHeadersColumnsAndQuotesAKeyWithACommaOrAQuote() {
    assertThat(
        ResultRecord.CSV_HEADER,
        equalTo(
            "dimension,key,window_start,window_end,window_start_iso,impressions,clicks,ctr,timing,pane_index,final"));
    assertThat(
        C1.toCsv(),
        equalTo(
            "campaign,c1,1709294400000,1709294430000,2024-03-01T12:00:00.000Z,4,1,0.25,ON_TIME,0,false"));
    ResultRecord odd =
        new ResultRecord(
            "region+device",
            "eu,\"mobile\"",
            T0,
            T0 + 30_000,
            4,
            0,
            0.0,
            "EARLY",
            2,
            true,
            null,
            null);
    assertThat(
        odd.toCsv(),
        equalTo(
            "region+device,\"eu,\"\"mobile\"\"\",1709294400000,1709294430000,2024-03-01T12:00:00.000Z,4,0,0.0,EARLY,2,true"));
  }

  @Test
  public void aNowcastAddsItsFiveFieldsToTheHashAndTheJsonAndReadsBack() {
    ResultRecord.NowcastFields nowcast =
        new ResultRecord.NowcastFields(0.2, 0.11, 0.33, 0.4, "POOLED");
    ResultRecord early =
        new ResultRecord(
            "campaign",
            "c1",
            T0,
            T0 + 30_000,
            120,
            10,
            10 / 120.0,
            "EARLY",
            0,
            false,
            T0,
            null,
            nowcast);
    Map<String, String> h = early.toHash();
    assertThat(h.get("ctr_nowcast"), equalTo("0.2"));
    assertThat(h.get("ctr_nowcast_lower"), equalTo("0.11"));
    assertThat(h.get("ctr_nowcast_upper"), equalTo("0.33"));
    assertThat(h.get("clicks_seen_fraction"), equalTo("0.4"));
    assertThat(h.get("nowcast_basis"), equalTo("POOLED"));
    assertThat(ResultRecord.fromHash(h), equalTo(early));
    assertThat(ResultRecord.fromJson(early.toJson()), equalTo(early.written(null, null)));
    // no estimate: the bounds and the fraction are written empty (overwriting an earlier pane's)
    ResultRecord.NowcastFields none = new ResultRecord.NowcastFields(0.1, null, null, null, "NONE");
    ResultRecord without =
        new ResultRecord(
            "campaign", "c1", T0, T0 + 30_000, 10, 1, 0.1, "EARLY", 0, false, null, null, none);
    assertThat(without.toHash().get("ctr_nowcast_lower"), equalTo(""));
    assertThat(ResultRecord.fromHash(without.toHash()), equalTo(without));
    assertThat(ResultRecord.fromJson(without.toJson()), equalTo(without));
    assertThat(C1.toHash().containsKey("ctr_nowcast"), equalTo(false));
  }

  @Test
  public void theHashHoldsEveryFieldInOrderAndReadsBack() {
    ResultRecord written = C1.written(T0 + 50_000, T0 + 50_000);
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("dimension", "campaign");
    expected.put("key", "c1");
    expected.put("campaign_id", "c1");
    expected.put("impressions", "4");
    expected.put("clicks", "1");
    expected.put("ctr", "0.25");
    expected.put("window_start", "1709294400000");
    expected.put("window_end", "1709294430000");
    expected.put("window_start_iso", "2024-03-01T12:00:00.000Z");
    expected.put("window_end_iso", "2024-03-01T12:00:30.000Z");
    expected.put("timing", "ON_TIME");
    expected.put("pane_index", "0");
    expected.put("final", "false");
    expected.put("updated_at", "1709294450000");
    expected.put("on_time_at", "1709294450000");
    assertThat(List.copyOf(written.toHash().entrySet()), equalTo(List.copyOf(expected.entrySet())));
    assertThat(ResultRecord.fromHash(written.toHash()), equalTo(written));
  }

  @Test
  public void theJsonFormHasNoWriteTimesAndReadsBack() {
    ResultRecord device =
        new ResultRecord(
            "device", "mobile", T0, T0 + 30_000, 3, 0, 0.0, "EARLY", 0, false, null, null);
    assertThat(
        device.toJson(),
        equalTo(
            "{\"dimension\":\"device\",\"key\":\"mobile\",\"device_id\":\"mobile\","
                + "\"window_start\":1709294400000,\"window_end\":1709294430000,\"window_start_iso\":\"2024-03-01T12:00:00.000Z\","
                + "\"window_end_iso\":\"2024-03-01T12:00:30.000Z\",\"impressions\":3,\"clicks\":0,\"ctr\":0.0,\"timing\":\"EARLY\","
                + "\"pane_index\":0,\"final\":false}"));
    assertThat(ResultRecord.fromJson(device.toJson()), equalTo(device));
    assertThat(ResultRecord.fromJson(C1.written(T0, T0).toJson()), equalTo(C1));
  }

  @Test
  public void aHashWithoutItsDimensionIsACampaignsAndABrokenOneSaysWhichField() {
    Map<String, String> h = new LinkedHashMap<>(C1.toHash());
    h.remove("dimension");
    assertThat(ResultRecord.fromHash(h), equalTo(C1));
    h.put("impressions", "four");
    try {
      ResultRecord.fromHash(h);
      throw new AssertionError("no exception");
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage(), equalTo("field 'impressions' is not a whole number: four"));
    }
  }

  @Test
  public void anAlertsStreamFieldsAreTextInTheDocumentedOrder() {
    AlertRecord a =
        new AlertRecord(
            "campaign",
            "c2",
            T0 + 60_000,
            T0 + 90_000,
            "SPIKE",
            "WARNING",
            "RAISED",
            "previous",
            1000,
            80,
            0.08,
            1000,
            50,
            0.05,
            2.72,
            0.0065,
            Double.NaN);
    Map<String, String> f = a.toFields();
    assertThat(List.copyOf(f.keySet()), equalTo(AlertRecord.ORDER));
    assertThat(f.get("alert_id"), equalTo("campaign:c2:1709294460000:RAISED"));
    assertThat(f.get("window_start_iso"), equalTo("2024-03-01T12:01:00.000Z"));
    assertThat(f.get("baseline_impressions"), equalTo("1000.0"));
    assertThat(f.get("relative_change"), equalTo("null"));
    assertThat(
        a.toJson().endsWith(",\"z\":2.72,\"p_value\":0.0065,\"relative_change\":null}"),
        equalTo(true));
  }
}
