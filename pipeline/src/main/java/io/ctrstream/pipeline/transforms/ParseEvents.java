package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.Click;
import io.ctrstream.pipeline.model.DeadLetter;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.RawEvent;
import java.util.EnumMap;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.joda.time.Instant;

/**
 * Splits parsed records into impressions and clicks stamped with their event time, and dead letters
 * with their reason and raw payload. Never throws on data. Kafka records arrive already parsed (by
 * {@code io.ctrstream.pipeline.io.ParsedRecordDeserializer}, once); {@link #fromText} parses text
 * records (file lines) first.
 *
 * <p>Output tags: {@link #IMPRESSIONS}, {@link #CLICKS}, {@link #DEAD_LETTERS}. Beam counters in
 * namespace {@value CtrMetrics#NAMESPACE}: {@code impressions_parsed}, {@code clicks_parsed},
 * {@code dead_letters} and {@code dead_letters_<REASON>} per {@link DeadLetter.Reason}, {@code
 * heartbeats} (watermark heartbeats, which are no events).
 */
public class ParseEvents extends PTransform<PCollection<ParsedRecord>, PCollectionTuple> {
  public static final TupleTag<Impression> IMPRESSIONS = new TupleTag<>() {};
  public static final TupleTag<Click> CLICKS = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  /** Parses text records ({@link RawEvent}s: file lines, test input) and splits them. */
  public static ParseText fromText(EventTimeRange range) {
    return new ParseText(new EventParser(range));
  }

  /** {@link RawEvent} text → one parse each ({@link EventParser}) → {@link ParseEvents}. */
  public static class ParseText extends PTransform<PCollection<RawEvent>, PCollectionTuple> {
    private final EventParser parser;

    ParseText(EventParser parser) {
      this.parser = parser;
    }

    @Override
    public PCollectionTuple expand(PCollection<RawEvent> raw) {
      EventParser p = parser;
      return raw
          .apply("ParseJson", MapElements.into(TypeDescriptor.of(ParsedRecord.class))
              .via((RawEvent r) -> p.parse(r, System.currentTimeMillis())))
          .setCoder(ParsedRecord.ParsedRecordCoder.of())
          .apply("SplitEvents", new ParseEvents());
    }
  }

  @Override
  public PCollectionTuple expand(PCollection<ParsedRecord> parsed) {
    PCollectionTuple out =
        parsed.apply(
            "SplitEvents",
            ParDo.of(new SplitFn()).withOutputTags(IMPRESSIONS, TupleTagList.of(CLICKS).and(DEAD_LETTERS)));
    out.get(IMPRESSIONS).setCoder(Impression.ImpressionCoder.of());
    out.get(CLICKS).setCoder(Click.ClickCoder.of());
    out.get(DEAD_LETTERS).setCoder(DeadLetter.DeadLetterCoder.of());
    return out;
  }

  static class SplitFn extends DoFn<ParsedRecord, Impression> {
    private final Counter impressions = CtrMetrics.counter("impressions_parsed");
    private final Counter clicks = CtrMetrics.counter("clicks_parsed");
    private final Counter deadLetters = CtrMetrics.counter("dead_letters");
    private final Counter heartbeats = CtrMetrics.counter("heartbeats");
    private final Map<DeadLetter.Reason, Counter> byReason = new EnumMap<>(DeadLetter.Reason.class);

    SplitFn() {
      for (DeadLetter.Reason r : DeadLetter.Reason.values()) {
        byReason.put(r, Metrics.counter(CtrMetrics.NAMESPACE, "dead_letters_" + r.name()));
      }
    }

    @ProcessElement
    public void process(@Element ParsedRecord record, @Timestamp Instant timestamp, MultiOutputReceiver out) {
      if (record.impression() != null) {
        emit(out.get(IMPRESSIONS), record.impression(), record.impression().ts(), timestamp);
        impressions.inc();
      } else if (record.click() != null) {
        emit(out.get(CLICKS), record.click(), record.click().ts(), timestamp);
        clicks.inc();
      } else if (record.deadLetter() != null) {
        out.get(DEAD_LETTERS).output(record.deadLetter());
        deadLetters.inc();
        byReason.get(record.deadLetter().reason()).inc();
      } else {
        heartbeats.inc(); // its ts already moved the Kafka watermark; it is not an event
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
