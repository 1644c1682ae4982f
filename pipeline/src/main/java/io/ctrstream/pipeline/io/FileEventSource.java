package io.ctrstream.pipeline.io;

import io.ctrstream.pipeline.model.RawEvent;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * Reads impressions and clicks from JSON-lines files (plain, or compressed as the file name says:
 * {@code .gz}, {@code .bz2}, …): a bounded source for replays and batch runs. Event time comes from
 * each event's {@code ts} when it is parsed.
 */
public class FileEventSource extends PTransform<PBegin, PCollection<RawEvent>> {
  private final String impressionsFile;
  private final String clicksFile;

  /**
   * @param impressionsFile path or glob of the impression lines; @param clicksFile the same for
   *     clicks
   */
  public FileEventSource(String impressionsFile, String clicksFile) {
    this.impressionsFile = impressionsFile;
    this.clicksFile = clicksFile;
  }

  @Override
  public PCollection<RawEvent> expand(PBegin begin) {
    String impressions = impressionsFile;
    String clicks = clicksFile;
    PCollection<RawEvent> impressionLines =
        begin
            .apply("ReadImpressionLines", TextIO.read().from(impressions))
            .apply(
                "AsImpressions",
                MapElements.into(TypeDescriptor.of(RawEvent.class))
                    .via(line -> RawEvent.impression(impressions, line)));
    PCollection<RawEvent> clickLines =
        begin
            .apply("ReadClickLines", TextIO.read().from(clicks))
            .apply(
                "AsClicks",
                MapElements.into(TypeDescriptor.of(RawEvent.class))
                    .via(line -> RawEvent.click(clicks, line)));
    return PCollectionList.of(impressionLines)
        .and(clickLines)
        .apply("BothStreams", Flatten.pCollections());
  }
}
