package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.Click;
import io.ctrstream.pipeline.model.DeadLetter;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.RawEvent;
import java.util.EnumMap;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;

/**
 * Parses {@link RawEvent}s into impressions and clicks stamped with their event time; everything
 * else goes to the dead letters with its reason and raw payload. Never throws on data.
 *
 * <p>Output tags: {@link #IMPRESSIONS}, {@link #CLICKS}, {@link #DEAD_LETTERS}. Beam counters in
 * namespace {@value CtrMetrics#NAMESPACE}: {@code impressions_parsed}, {@code clicks_parsed},
 * {@code dead_letters} and {@code dead_letters_<REASON>} per {@link DeadLetter.Reason}, {@code
 * heartbeats} (watermark heartbeats, see {@link EventParser#isHeartbeat}, which are no events).
 */
public class ParseEvents extends PTransform<PCollection<RawEvent>, PCollectionTuple> {
  public static final TupleTag<Impression> IMPRESSIONS = new TupleTag<>() {};
  public static final TupleTag<Click> CLICKS = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  private final EventParser parser;

  public ParseEvents(EventTimeRange range) {
    this.parser = new EventParser(range);
  }

  @Override
  public PCollectionTuple expand(PCollection<RawEvent> raw) {
    PCollectionTuple out =
        raw.apply(
            "ParseJson",
            ParDo.of(new ParseFn(parser))
                .withOutputTags(IMPRESSIONS, TupleTagList.of(CLICKS).and(DEAD_LETTERS)));
    out.get(IMPRESSIONS).setCoder(Impression.ImpressionCoder.of());
    out.get(CLICKS).setCoder(Click.ClickCoder.of());
    out.get(DEAD_LETTERS).setCoder(DeadLetter.DeadLetterCoder.of());
    return out;
  }

  static class ParseFn extends DoFn<RawEvent, Impression> {
    private final EventParser parser;
    private final Counter impressions = CtrMetrics.counter("impressions_parsed");
    private final Counter clicks = CtrMetrics.counter("clicks_parsed");
    private final Counter deadLetters = CtrMetrics.counter("dead_letters");
    private final Counter heartbeats = CtrMetrics.counter("heartbeats");
    private final Map<DeadLetter.Reason, Counter> byReason = new EnumMap<>(DeadLetter.Reason.class);

    ParseFn(EventParser parser) {
      this.parser = parser;
      for (DeadLetter.Reason r : DeadLetter.Reason.values()) {
        byReason.put(r, Metrics.counter(CtrMetrics.NAMESPACE, "dead_letters_" + r.name()));
      }
    }

    @ProcessElement
    public void process(@Element RawEvent raw, @Timestamp Instant timestamp, MultiOutputReceiver out) {
      long now = System.currentTimeMillis();
      if (EventParser.isHeartbeat(raw.payload())) {
        heartbeats.inc(); // its ts already moved the Kafka watermark; it is not an event
        return;
      }
      try {
        switch (raw.kind()) {
          case IMPRESSION -> {
            Impression impression = parser.impression(raw.payload(), now);
            emit(out.get(IMPRESSIONS), impression, impression.ts(), timestamp);
            impressions.inc();
          }
          case CLICK -> {
            Click click = parser.click(raw.payload(), now);
            emit(out.get(CLICKS), click, click.ts(), timestamp);
            clicks.inc();
          }
        }
      } catch (InvalidEventException e) {
        out.get(DEAD_LETTERS).output(new DeadLetter(raw.source(), e.reason(), e.getMessage(), raw.payload()));
        deadLetters.inc();
        byReason.get(e.reason()).inc();
      }
    }

    /**
     * Stamps the event with its own {@code ts}. Files are read with no event time (the minimum
     * timestamp), so the event moves forward to {@code ts}; Kafka records already carry {@code ts}
     * from {@code EventTimePolicy}, so nothing moves.
     */
    private static <T> void emit(OutputReceiver<T> receiver, T event, long ts, Instant timestamp) {
      if (timestamp.getMillis() < ts) {
        receiver.outputWithTimestamp(event, new Instant(ts));
      } else {
        receiver.output(event);
      }
    }
  }
}
