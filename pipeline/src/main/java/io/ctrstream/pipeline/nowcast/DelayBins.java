package io.ctrstream.pipeline.nowcast;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.joda.time.Duration;

/**
 * The click delay bins of a {@link ClickDelayModel}: edges {@code 0, 250 ms, 250·√2 ms, 500 ms, …}
 * growing by √2 up to the attribution window, which is the last edge. Bin {@code j} holds the
 * delays {@code (edge(j), edge(j + 1)]}, bin 0 also delay 0. Geometric edges give every order of
 * magnitude of delay the same resolution: Avazu's clicks come a few seconds after their impression,
 * iPinYou's from seconds to half an hour. A 15 s attribution window has 13 bins, 30 min 27.
 */
public final class DelayBins implements Serializable {
  private static final long FIRST_EDGE_MILLIS = 250;

  private final long[] edges;

  /**
   * @param attributionWindow the longest delay of an attributed click; at least 1 ms
   */
  public DelayBins(Duration attributionWindow) {
    long last = attributionWindow.getMillis();
    if (last < 1) {
      throw new IllegalArgumentException("attribution window below 1 ms");
    }
    List<Long> e = new ArrayList<>();
    e.add(0L);
    for (int k = 0; ; k++) {
      long edge = Math.round(FIRST_EDGE_MILLIS * Math.pow(2, k / 2.0));
      if (edge >= last) {
        break;
      }
      e.add(edge);
    }
    e.add(last);
    edges = e.stream().mapToLong(Long::longValue).toArray();
  }

  /** Number of bins. */
  public int size() {
    return edges.length - 1;
  }

  /**
   * Edge {@code k} in ms, {@code 0 <= k <= size()}; edge {@code size()} is the attribution window.
   */
  public long edge(int k) {
    return edges[k];
  }

  /** The bin of a delay in ms: {@code 0 <= delayMillis <= edge(size())}. */
  public int binOf(long delayMillis) {
    if (delayMillis < 0 || delayMillis > edges[edges.length - 1]) {
      throw new IllegalArgumentException("delay " + delayMillis + " ms outside the bins");
    }
    int lo = 0;
    int hi = size() - 1;
    while (lo < hi) { // the first bin whose upper edge is >= delay
      int mid = (lo + hi) >>> 1;
      if (edges[mid + 1] >= delayMillis) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
