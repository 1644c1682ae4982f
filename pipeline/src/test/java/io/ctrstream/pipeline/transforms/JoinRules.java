package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.Click;
import io.ctrstream.pipeline.model.CountChange;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.UnattributedClick;
import java.util.TreeMap;

/**
 * {@link ImpressionJoin}'s rules applied to a {@link JoinState} directly, outputs ignored: for
 * tests of what the state holds. 15 s attribution window, 60 s allowed lateness, 10 s windows.
 */
final class JoinRules {
  private static final ImpressionJoin.Output IGNORED =
      new ImpressionJoin.Output() {
        @Override
        public void change(Impression impression, CountChange change) {}

        @Override
        public void unattributed(UnattributedClick click) {}
      };

  final ImpressionJoin join = new ImpressionJoin(new JoinTiming(15_000, 60_000, 10_000, 0, 0));

  void take(JoinState state, Impression impression) {
    join.take(state, ParsedRecord.of(impression), IGNORED);
  }

  /** An impression of {@code state}'s id with user "u" and no dimensions. */
  void impression(JoinState state, String campaignId, long ts) {
    take(state, new Impression(state.imprId, "u", campaignId, ts, new TreeMap<>()));
  }

  /** A click on {@code state}'s id by user "u". */
  void click(JoinState state, String clickId, long ts) {
    join.take(state, ParsedRecord.of(new Click(clickId, state.imprId, "u", ts)), IGNORED);
  }

  /** Reports every unattributed click, as once the input is complete. */
  void reportAll(JoinState state) {
    join.report(state, Long.MAX_VALUE, IGNORED);
  }
}
