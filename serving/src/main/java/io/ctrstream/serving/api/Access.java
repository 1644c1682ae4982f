package io.ctrstream.serving.api;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What one API client may read: the campaigns of its token, or every campaign.
 *
 * <p>A restricted client reads the dimension {@code campaign} (and the trend's), a breakdown by
 * {@code campaign_id} alone, and a pair breakdown that contains {@code campaign_id} (such as {@code
 * campaign_id+device}, keys {@code c1|mobile}), each only for keys whose campaign is in its set.
 * Every other breakdown (by {@code device}, {@code region}, …) sums impressions and clicks of all
 * advertisers' campaigns, so only a client of every campaign reads it.
 *
 * @param client the token's name, for logs
 * @param campaigns the campaign ids the client may read; null for every campaign
 */
public record Access(String client, Set<String> campaigns) {
  /** Every campaign and dimension: a server without tokens, or a token of {@code *}. */
  public static Access everything(String client) {
    return new Access(client, null);
  }

  /** Whether the client reads every campaign. */
  public boolean all() {
    return campaigns == null;
  }

  /** Whether the client may read {@code dimension} at all (some of its keys). */
  public boolean allowsDimension(String dimension) {
    return all() || campaignPart(dimension) >= 0;
  }

  /** Whether the client may read {@code key} of {@code dimension}. */
  public boolean allows(String dimension, String key) {
    if (all()) {
      return true;
    }
    int part = campaignPart(dimension);
    if (part < 0 || key == null) {
      return false;
    }
    List<String> values = Arrays.asList(key.split("\\|", -1));
    return part < values.size() && campaigns.contains(values.get(part));
  }

  /** Whether the client may read {@code campaign}. */
  public boolean allowsCampaign(String campaign) {
    return all() || campaigns.contains(campaign);
  }

  /**
   * Where a dimension's keys hold the campaign id: 0 for {@code campaign} and {@code campaign_id},
   * the field's position in a pair such as {@code device+campaign_id}, -1 where they hold none.
   */
  private static int campaignPart(String dimension) {
    if (dimension.equals("campaign")) {
      return 0;
    }
    List<String> fields = Arrays.asList(dimension.split("\\+"));
    return fields.indexOf("campaign_id");
  }
}
