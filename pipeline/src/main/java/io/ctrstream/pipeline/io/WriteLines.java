package io.ctrstream.pipeline.io;

import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.joda.time.Duration;

/**
 * Writes lines (JSON or CSV) for inspection. A bounded run writes exactly one file at {@code path};
 * an unbounded run writes one file per 10 s of processing time, named {@code
 * path-<window>-<pane>-…}.
 */
public class WriteLines extends PTransform<PCollection<String>, PDone> {
  private static final Duration STREAMING_FLUSH = Duration.standardSeconds(10);

  private final String path;
  private final String header;

  /**
   * @param path the output file; @param header a first line, or {@code null} for none
   */
  public WriteLines(String path, String header) {
    this.path = path;
    this.header = header;
  }

  @Override
  public PDone expand(PCollection<String> lines) {
    boolean bounded = lines.isBounded() == PCollection.IsBounded.BOUNDED;
    PCollection<String> global =
        lines.apply(
            "IntoOneWindow",
            bounded
                ? Window.<String>into(new GlobalWindows())
                    .triggering(DefaultTrigger.of())
                    .withAllowedLateness(Duration.ZERO)
                    .discardingFiredPanes()
                : Window.<String>into(new GlobalWindows())
                    .triggering(
                        Repeatedly.forever(
                            AfterProcessingTime.pastFirstElementInPane()
                                .plusDelayOf(STREAMING_FLUSH)))
                    .withAllowedLateness(Duration.ZERO)
                    .discardingFiredPanes());
    TextIO.Write write = TextIO.write().to(path);
    if (header != null) {
      write = write.withHeader(header);
    }
    write = bounded ? write.withoutSharding() : write.withWindowedWrites().withNumShards(1);
    return global.apply("WriteLines", write);
  }
}
