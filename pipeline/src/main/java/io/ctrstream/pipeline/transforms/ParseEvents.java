package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.DeadLetter;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.RawEvent;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.joda.time.Instant;

/**
 * Splits parsed records into the join's input, impressions and clicks keyed by {@code impr_id} and
 * stamped with their event time, and dead letters with their reason and raw payload. Never throws
 * on data. Kafka records arrive already parsed (by {@code
 * io.ctrstream.pipeline.io.ParsedRecordDeserializer}, once); {@link #fromText} parses text records
 * (file lines) first.
 *
 * <p>Output tags: {@link #EVENTS} ({@code KV<impr_id, ParsedRecord>}, each an impression or a
 * click; an impression keeps only the fields the results need, see {@link #keeping}) and {@link
 * #DEAD_LETTERS}. One {@code DoFn} does it all, so that on Flink a single operator sits between the
 * Kafka source and the join's shuffle: each {@code DoFn} chained to the source holds the watermark
 * back while its bundle is open (docs/architecture.md, "Reading"). Beam counters in namespace
 * {@value CtrMetrics#NAMESPACE}: {@code impressions_parsed}, {@code clicks_parsed}, {@code
 * dead_letters} and {@code dead_letters_<REASON>} per {@link DeadLetter.Reason}, {@code heartbeats}
 * (watermark heartbeats, which are no events).
 *
 * @param <InputT> what carries the {@link ParsedRecord}s: a record itself, or a batch of Kafka
 *     records each with its event time ({@link #ofBatches})
 */
public class ParseEvents<InputT> extends PTransform<PCollection<InputT>, PCollectionTuple> {
  public static final TupleTag<KV<String, ParsedRecord>> EVENTS = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  private final Unpack<InputT> unpack;
  private final Set<String> impressionFields;

  private ParseEvents(Unpack<InputT> unpack, Set<String> impressionFields) {
    this.unpack = unpack;
    this.impressionFields = impressionFields;
  }

  /** Splits {@link ParsedRecord}s; impressions keep all their fields. */
  public static ParseEvents<ParsedRecord> parsed() {
    return new ParseEvents<>((element, timestamp, split) -> split.accept(element, timestamp), null);
  }

  /**
   * Splits the {@link ParsedRecord}s of batches, each record with its own event time (as {@code
   * io.ctrstream.pipeline.io.BatchingSource} reads them), {@code record} finding each in its batch
   * entry (applied in the same {@code DoFn}, no step of its own); impressions keep all their
   * fields. A record leaves at its own event time, never before it: a batch's timestamp is its
   * earliest.
   */
  public static <T> ParseEvents<List<TimestampedValue<T>>> ofBatches(
      SerializableFunction<T, ParsedRecord> record) {
    return new ParseEvents<>(
        (batch, timestamp, split) -> {
          for (TimestampedValue<T> r : batch) {
            split.accept(record.apply(r.getValue()), r.getTimestamp());
          }
        },
        null);
  }

  /**
   * The same, with impressions cut down to {@code fields} (dimension names, {@code user_id}) and
   * their id, campaign and {@code ts}: all the join keeps and the results read ({@link
   * Impression#keepOnly}).
   */
  public ParseEvents<InputT> keeping(Set<String> fields) {
    return new ParseEvents<>(unpack, Set.copyOf(fields));
  }

  /** Parses text records ({@link RawEvent}s: file lines, test input), then splits them. */
  public static ParseText fromText(EventTimeRange range) {
    return new ParseText(new EventParser(range), parsed());
  }

  /** {@link RawEvent} text → one parse each ({@link EventParser}) → {@link ParseEvents}. */
  public static class ParseText extends PTransform<PCollection<RawEvent>, PCollectionTuple> {
    private final EventParser parser;
    private final ParseEvents<ParsedRecord> split;

    ParseText(EventParser parser, ParseEvents<ParsedRecord> split) {
      this.parser = parser;
      this.split = split;
    }

    /** The same, with impressions cut down to {@code fields} ({@link ParseEvents#keeping}). */
    public ParseText keeping(Set<String> fields) {
      return new ParseText(parser, split.keeping(fields));
    }

    @Override
    public PCollectionTuple expand(PCollection<RawEvent> raw) {
      EventParser p = parser;
      return raw.apply(
              "ParseJson",
              MapElements.into(TypeDescriptor.of(ParsedRecord.class))
                  .via((RawEvent r) -> p.parse(r, System.currentTimeMillis())))
          .setCoder(ParsedRecord.ParsedRecordCoder.of())
          .apply("SplitEvents", split);
    }
  }

  @Override
  public PCollectionTuple expand(PCollection<InputT> input) {
    PCollectionTuple out =
        input.apply(
            "SplitEvents",
            ParDo.of(new SplitFn<>(unpack, impressionFields))
                .withOutputTags(EVENTS, TupleTagList.of(DEAD_LETTERS)));
    out.get(EVENTS).setCoder(KvCoder.of(StringUtf8Coder.of(), ParsedRecord.ParsedRecordCoder.of()));
    out.get(DEAD_LETTERS).setCoder(DeadLetter.DeadLetterCoder.of());
    return out;
  }

  /** How to find the parsed records in an input element, and the event time of each. */
  @FunctionalInterface
  interface Unpack<InputT> extends Serializable {
    /**
     * Calls {@code split} with each record in {@code element} and its event time; {@code timestamp}
     * is the element's.
     */
    void each(InputT element, Instant timestamp, BiConsumer<ParsedRecord, Instant> split);
  }

  static class SplitFn<InputT> extends DoFn<InputT, KV<String, ParsedRecord>> {
    private final Unpack<InputT> unpack;
    private final Set<String> impressionFields;
    private final Counter impressions = CtrMetrics.counter("impressions_parsed");
    private final Counter clicks = CtrMetrics.counter("clicks_parsed");
    private final Counter deadLetters = CtrMetrics.counter("dead_letters");
    private final Counter heartbeats = CtrMetrics.counter("heartbeats");
    private final Map<DeadLetter.Reason, Counter> byReason = new EnumMap<>(DeadLetter.Reason.class);

    SplitFn(Unpack<InputT> unpack, Set<String> impressionFields) {
      this.unpack = unpack;
      this.impressionFields = impressionFields;
      for (DeadLetter.Reason r : DeadLetter.Reason.values()) {
        byReason.put(r, Metrics.counter(CtrMetrics.NAMESPACE, "dead_letters_" + r.name()));
      }
    }

    @ProcessElement
    public void process(
        @Element InputT element, @Timestamp Instant timestamp, MultiOutputReceiver out) {
      unpack.each(element, timestamp, (parsed, at) -> split(parsed, at, timestamp, out));
    }

    /**
     * {@code at}: the record's event time as read (for a file line, the minimum timestamp); {@code
     * timestamp}: its input element's, at most {@code at}.
     */
    private void split(
        ParsedRecord parsed, Instant at, Instant timestamp, MultiOutputReceiver out) {
      if (parsed.impression() != null) {
        Impression i =
            impressionFields == null
                ? parsed.impression()
                : parsed.impression().keepOnly(impressionFields);
        emit(
            out.get(EVENTS),
            KV.of(i.imprId(), i == parsed.impression() ? parsed : ParsedRecord.of(i)),
            Math.max(i.ts(), at.getMillis()),
            timestamp);
        impressions.inc();
      } else if (parsed.click() != null) {
        emit(
            out.get(EVENTS),
            KV.of(parsed.click().imprId(), parsed),
            Math.max(parsed.click().ts(), at.getMillis()),
            timestamp);
        clicks.inc();
      } else if (parsed.deadLetter() != null) {
        emit(out.get(DEAD_LETTERS), parsed.deadLetter(), at.getMillis(), timestamp);
        deadLetters.inc();
        byReason.get(parsed.deadLetter().reason()).inc();
      } else {
        heartbeats.inc(); // its ts already moved the Kafka watermark; it is not an event
      }
    }

    /**
     * Outputs {@code event} at {@code at} (epoch ms). An event's {@code at} is its own {@code ts},
     * or the time its record was read at if later: files are read with no event time (the minimum
     * timestamp), so their events move forward to {@code ts}; Kafka records already carry {@code
     * ts} from {@code EventTimePolicy}, so nothing moves, and a record of a batch leaves the
     * batch's earliest time for its own.
     */
    private static <T> void emit(OutputReceiver<T> receiver, T event, long at, Instant timestamp) {
      if (timestamp.getMillis() != at) {
        receiver.outputWithTimestamp(event, new Instant(at));
      } else {
        receiver.output(event);
      }
    }
  }
}
