package io.ctrstream.e2e;

import java.nio.file.Path;
import java.nio.file.Paths;

/** The real ad-log samples in {@code ../shared/data} that the end-to-end tests replay. */
final class Samples {
  static final Path DATA =
      Paths.get(System.getProperty("ctrstream.root", ".."), "..", "shared", "data")
          .toAbsolutePath()
          .normalize();
  static final Path AVAZU_IMPRESSIONS = DATA.resolve("avazu-sample/impressions.jsonl.gz");
  static final Path AVAZU_CLICKS = DATA.resolve("avazu-sample/clicks.jsonl.gz");

  /** iPinYou season 2 impressions; with {@link #IPINYOU_CLICKS}, all 9,978 real clicks. */
  static final Path IPINYOU_IMPRESSIONS = DATA.resolve("ipinyou-s2-sample/impressions.jsonl.gz");

  static final Path IPINYOU_CLICKS = DATA.resolve("ipinyou-s2-sample/clicks_all.jsonl.gz");

  private Samples() {}
}
