package io.ctrstream.pipeline.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TimestampedValue.TimestampedValueCoder;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * Another {@link UnboundedSource}'s records in batches: each element is a list of up to {@code
 * maxBatch} consecutive records of one split, each a {@link TimestampedValue} carrying the event
 * time the wrapped source gave it; the element's own timestamp is the earliest of them, so a {@code
 * DoFn} that outputs each record at its own time never moves one backwards.
 *
 * <p><b>Why.</b> Beam's Flink runner copies the source step's Beam metrics into Flink's after every
 * {@code start()} and {@code advance()} ({@code ReaderInvocationUtil}: it rebuilds the step's whole
 * {@code MetricResults} each time). With Kafka's reader, which keeps a dozen metrics, that is a
 * large share of the job's CPU at full speed. Read in batches, it happens once per batch. The
 * wrapped reader still counts every record in the same metrics container, so no metric is lost or
 * changed; {@code --disableMetrics}, the runner's only other way out, would drop the job's own
 * counters too.
 *
 * <p><b>What stays the same.</b> The watermark, checkpoint marks and backlog are the wrapped
 * reader's. The runner reads them only between elements, so between whole batches: every record of
 * a batch has been emitted before a checkpoint mark covers it, and a watermark read after a batch
 * is the one the runner would have read after its last record. A batch ends after {@code maxBatch}
 * records or when the wrapped reader has nothing more right now ({@code advance()} returns {@code
 * false}), so a batch waits for records that have not arrived no longer than one {@code advance()}
 * of the wrapped reader does.
 *
 * <p>Sources that need the runner to deduplicate records by id ({@link #requiresDeduping()}) are
 * refused: a batch has no single record id.
 *
 * @param <T> the wrapped source's record
 * @param <CheckpointT> its checkpoint mark, which this source keeps unchanged
 */
public class BatchingSource<T, CheckpointT extends UnboundedSource.CheckpointMark>
    extends UnboundedSource<List<TimestampedValue<T>>, CheckpointT> {
  private final UnboundedSource<T, CheckpointT> source;
  private final int maxBatch;

  /**
   * @param source the source to read in batches
   * @param maxBatch the most records in one batch, at least 1
   * @throws IllegalArgumentException if {@code maxBatch} is below 1 or {@code source} requires
   *     deduplication
   */
  public BatchingSource(UnboundedSource<T, CheckpointT> source, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, not " + maxBatch);
    }
    if (source.requiresDeduping()) {
      throw new IllegalArgumentException(
          "BatchingSource cannot wrap a source that requires deduplication: " + source);
    }
    this.source = source;
    this.maxBatch = maxBatch;
  }

  @Override
  public List<BatchingSource<T, CheckpointT>> split(int desiredNumSplits, PipelineOptions options)
      throws Exception {
    List<BatchingSource<T, CheckpointT>> splits = new ArrayList<>();
    for (UnboundedSource<T, CheckpointT> split : source.split(desiredNumSplits, options)) {
      splits.add(new BatchingSource<>(split, maxBatch));
    }
    return splits;
  }

  @Override
  public UnboundedReader<List<TimestampedValue<T>>> createReader(
      PipelineOptions options, @Nullable CheckpointT checkpointMark) throws IOException {
    return new BatchReader(source.createReader(options, checkpointMark));
  }

  @Override
  public Coder<CheckpointT> getCheckpointMarkCoder() {
    return source.getCheckpointMarkCoder();
  }

  @Override
  public Coder<List<TimestampedValue<T>>> getOutputCoder() {
    return ListCoder.of(TimestampedValueCoder.of(source.getOutputCoder()));
  }

  @Override
  public void validate() {
    source.validate();
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    builder.include("source", source);
    builder.add(DisplayData.item("maxBatch", maxBatch).withLabel("Most records in one element"));
  }

  private final class BatchReader extends UnboundedReader<List<TimestampedValue<T>>> {
    private final UnboundedReader<T> reader;
    private @Nullable List<TimestampedValue<T>> batch;
    private @Nullable Instant earliest;

    BatchReader(UnboundedReader<T> reader) {
      this.reader = reader;
    }

    @Override
    public boolean start() throws IOException {
      return fillFrom(reader.start());
    }

    @Override
    public boolean advance() throws IOException {
      return fillFrom(reader.advance());
    }

    /** {@code hasRecord}: whether the wrapped reader has a current record. */
    private boolean fillFrom(boolean hasRecord) throws IOException {
      if (!hasRecord) {
        batch = null;
        earliest = null;
        return false;
      }
      List<TimestampedValue<T>> records = new ArrayList<>(Math.min(maxBatch, 64));
      Instant min = add(records, null);
      while (records.size() < maxBatch && reader.advance()) {
        min = add(records, min);
      }
      batch = records;
      earliest = min;
      return true;
    }

    private Instant add(List<TimestampedValue<T>> records, @Nullable Instant min) {
      Instant ts = reader.getCurrentTimestamp();
      records.add(TimestampedValue.of(reader.getCurrent(), ts));
      return min == null || ts.isBefore(min) ? ts : min;
    }

    @Override
    public List<TimestampedValue<T>> getCurrent() {
      if (batch == null) {
        throw new NoSuchElementException();
      }
      return batch;
    }

    @Override
    public Instant getCurrentTimestamp() {
      if (earliest == null) {
        throw new NoSuchElementException();
      }
      return earliest;
    }

    @Override
    public Instant getWatermark() {
      return reader.getWatermark();
    }

    @Override
    public CheckpointMark getCheckpointMark() {
      return reader.getCheckpointMark();
    }

    @Override
    public long getSplitBacklogBytes() {
      return reader.getSplitBacklogBytes();
    }

    @Override
    public long getTotalBacklogBytes() {
      return reader.getTotalBacklogBytes();
    }

    @Override
    public BatchingSource<T, CheckpointT> getCurrentSource() {
      return BatchingSource.this;
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }
}
