package io.ctrstream.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.CountingSource;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.UnboundedSource.UnboundedReader;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;
import org.junit.Test;

/**
 * Batches keep every record, in order, each with its own timestamp; a batch is stamped with its
 * earliest record; a checkpoint mark taken between batches resumes after the last record emitted.
 */
public class BatchingSourceTest {
  private final PipelineOptions options = PipelineOptionsFactory.create();

  /** 0, 1, 2, … with event times counting down from 1,000 s, so each batch's earliest is last. */
  private static UnboundedSource<Long, CountingSource.CounterMark> countDown() {
    @SuppressWarnings("unchecked")
    UnboundedSource<Long, CountingSource.CounterMark> source =
        (UnboundedSource<Long, CountingSource.CounterMark>)
            (UnboundedSource<Long, ?>)
                CountingSource.unboundedWithTimestampFn(i -> new Instant(1_000_000 - 1_000 * i));
    return source;
  }

  @Test
  public void batchesHoldConsecutiveRecordsWithTheirOwnTimesStampedWithTheEarliest()
      throws Exception {
    BatchingSource<Long, CountingSource.CounterMark> batching =
        new BatchingSource<>(countDown(), 3);
    try (UnboundedReader<List<TimestampedValue<Long>>> reader =
        batching.createReader(options, null)) {
      assertThat(reader.start(), equalTo(true));
      assertThat(
          reader.getCurrent(),
          contains(
              TimestampedValue.of(0L, new Instant(1_000_000)),
              TimestampedValue.of(1L, new Instant(999_000)),
              TimestampedValue.of(2L, new Instant(998_000))));
      assertThat(reader.getCurrentTimestamp(), equalTo(new Instant(998_000)));
      assertThat(reader.advance(), equalTo(true));
      assertThat(values(reader.getCurrent()), contains(3L, 4L, 5L));
      assertThat(reader.getCurrentTimestamp(), equalTo(new Instant(995_000)));
    }
  }

  @Test
  public void aCheckpointMarkTakenBetweenBatchesResumesAfterTheLastRecordEmitted()
      throws Exception {
    BatchingSource<Long, CountingSource.CounterMark> batching =
        new BatchingSource<>(countDown(), 4);
    CountingSource.CounterMark mark;
    try (UnboundedReader<List<TimestampedValue<Long>>> reader =
        batching.createReader(options, null)) {
      reader.start();
      reader.advance();
      mark = (CountingSource.CounterMark) reader.getCheckpointMark();
    }
    try (UnboundedReader<List<TimestampedValue<Long>>> resumed =
        batching.createReader(options, mark)) {
      assertThat(resumed.start(), equalTo(true));
      assertThat(values(resumed.getCurrent()), contains(8L, 9L, 10L, 11L));
    }
  }

  /**
   * A batch ends where the records at hand do: the wrapped reader's {@code advance()} returning
   * {@code false} ends it early, and the next {@code advance()} starts a new one.
   */
  @Test
  public void aBatchEndsWhenTheWrappedReaderHasNothingAtHand() throws Exception {
    BatchingSource<Long, UnboundedSource.CheckpointMark> batching =
        new BatchingSource<>(new Gappy(0L, 1L, null, 2L, null, null, 3L, 4L, 5L, 6L), 3);
    try (UnboundedReader<List<TimestampedValue<Long>>> reader =
        batching.createReader(options, null)) {
      assertThat(reader.start(), equalTo(true));
      assertThat(values(reader.getCurrent()), contains(0L, 1L));
      assertThat(reader.advance(), equalTo(true));
      assertThat(values(reader.getCurrent()), contains(2L));
      assertThat("nothing at hand: no batch", reader.advance(), equalTo(false));
      assertThat(reader.advance(), equalTo(true));
      assertThat(values(reader.getCurrent()), contains(3L, 4L, 5L));
      assertThat(reader.advance(), equalTo(true));
      assertThat(values(reader.getCurrent()), contains(6L));
    }
  }

  @Test(expected = IllegalArgumentException.class)
  public void anEmptyBatchSizeIsRefused() {
    new BatchingSource<>(countDown(), 0);
  }

  /**
   * Reads the given values in order, each at event time {@code value} seconds; a {@code null} is a
   * moment with nothing at hand ({@code start()}/{@code advance()} return {@code false} once).
   */
  private static final class Gappy extends UnboundedSource<Long, UnboundedSource.CheckpointMark> {
    private final Long[] values;

    Gappy(Long... values) {
      this.values = values;
    }

    @Override
    public List<Gappy> split(int desiredNumSplits, PipelineOptions options) {
      return List.of(this);
    }

    @Override
    public UnboundedReader<Long> createReader(
        PipelineOptions options, UnboundedSource.CheckpointMark checkpointMark) {
      return new UnboundedReader<>() {
        private int next;
        private Long current;

        @Override
        public boolean start() {
          return advance();
        }

        @Override
        public boolean advance() {
          current = next < values.length ? values[next++] : null;
          return current != null;
        }

        @Override
        public Long getCurrent() {
          return current;
        }

        @Override
        public Instant getCurrentTimestamp() {
          return new Instant(current * 1_000);
        }

        @Override
        public Instant getWatermark() {
          return BoundedWindow.TIMESTAMP_MIN_VALUE;
        }

        @Override
        public UnboundedSource.CheckpointMark getCheckpointMark() {
          return UnboundedSource.CheckpointMark.NOOP_CHECKPOINT_MARK;
        }

        @Override
        public UnboundedSource<Long, ?> getCurrentSource() {
          return Gappy.this;
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public Coder<UnboundedSource.CheckpointMark> getCheckpointMarkCoder() {
      throw new UnsupportedOperationException("not checkpointed in these tests");
    }

    @Override
    public Coder<Long> getOutputCoder() {
      return VarLongCoder.of();
    }
  }

  private static List<Long> values(List<TimestampedValue<Long>> batch) {
    List<Long> values = new ArrayList<>();
    batch.forEach(r -> values.add(r.getValue()));
    return values;
  }
}
