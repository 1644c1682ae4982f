package io.ctrstream.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.CountingSource;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.UnboundedSource.UnboundedReader;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
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

  @Test(expected = IllegalArgumentException.class)
  public void anEmptyBatchSizeIsRefused() {
    new BatchingSource<>(countDown(), 0);
  }

  private static List<Long> values(List<TimestampedValue<Long>> batch) {
    List<Long> values = new ArrayList<>();
    batch.forEach(r -> values.add(r.getValue()));
    return values;
  }
}
