package io.ctrstream.pipeline.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The repository's documentation, for the tests that keep it true: the README and {@code docs/}.
 */
final class Docs {
  /** The repository's root: the pipeline module's parent. */
  static final Path ROOT =
      Paths.get(System.getProperty("ctrstream.root", "..")).toAbsolutePath().normalize();

  private Docs() {}

  /** README.md, CONTRIBUTING.md, CHANGELOG.md and every Markdown file under docs/. */
  static List<Path> markdownFiles() {
    List<Path> files = new ArrayList<>();
    files.add(ROOT.resolve("README.md"));
    files.add(ROOT.resolve("CONTRIBUTING.md"));
    files.add(ROOT.resolve("CHANGELOG.md"));
    try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** Every Markdown file under docs/, as one text. */
  static String allDocs() {
    StringBuilder all = new StringBuilder();
    for (Path p : markdownFiles()) {
      all.append(read(p)).append('\n');
    }
    return all.toString();
  }

  static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
