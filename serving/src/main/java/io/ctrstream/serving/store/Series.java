package io.ctrstream.serving.store;

import io.ctrstream.contract.ResultRecord;

/**
 * Which results to read: one dimension ({@code campaign}, or a breakdown the job ran with {@code
 * --breakdowns}, e.g. {@code device} or {@code campaign_id+device}) of either the fixed windows or
 * the sliding trend windows ({@code --trendWindow}, stored under {@code <prefix>:trend}).
 *
 * @param dimension the dimension name as the job writes it
 * @param trend whether to read the trend windows instead of the fixed ones
 */
public record Series(String dimension, boolean trend) {
  /** The dimension every job writes. */
  public static final String CAMPAIGN = ResultRecord.CAMPAIGN;

  /**
   * The campaigns' fixed windows: what {@code ctr latest} and {@code /ctr/latest} show by default.
   */
  public static final Series CAMPAIGNS = new Series(CAMPAIGN, false);

  /** Whether this is the campaign dimension (whose latest/previous hashes have the short names). */
  public boolean isCampaign() {
    return CAMPAIGN.equals(dimension);
  }

  /** {@code campaign}, {@code device}, {@code campaign (trend)}: for messages. */
  public String describe() {
    return dimension + (trend ? " (trend)" : "");
  }
}
