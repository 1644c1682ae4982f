package io.ctrstream.pipeline.nowcast;

/** What a pane's {@link Nowcast} rests on. */
public enum NowcastBasis {
  /** The delay distribution of the pane's own campaign. */
  CAMPAIGN,
  /** The delay distribution of all campaigns pooled: the campaign has too few clicks of its own. */
  POOLED,
  /**
   * No estimate: too few delays seen yet anywhere, or no click expected yet among the window's
   * impressions. The nowcast is the raw CTR, without interval.
   */
  NONE,
  /** An {@code ON_TIME} or later pane: every on-time click is in, so the nowcast is the raw CTR. */
  COMPLETE
}
