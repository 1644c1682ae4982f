package io.ctrstream.pipeline.docs;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Test;

/**
 * {@code docs/flags.md} is the job's {@code --help}. After a change to a flag, regenerate it:
 * {@code mvn -pl pipeline -am test -Dtest=FlagsDocTest -Dsurefire.failIfNoSpecifiedTests=false
 * -DupdateDocs=true}.
 */
public class FlagsDocTest {
  static final Path FLAGS_MD = Docs.ROOT.resolve("docs/flags.md");

  @Test
  public void flagsMdIsWhatHelpPrints() throws Exception {
    String expected = FlagsDoc.render(FlagsDoc.help());
    if (Boolean.getBoolean("updateDocs")) {
      Files.writeString(FLAGS_MD, expected, StandardCharsets.UTF_8);
    }
    String[] want = expected.split("\n", -1);
    String[] have = Files.readString(FLAGS_MD, StandardCharsets.UTF_8).split("\n", -1);
    for (int i = 0; i < Math.max(want.length, have.length); i++) {
      assertThat(
          "docs/flags.md line "
              + (i + 1)
              + " differs from --help: regenerate it with -DupdateDocs=true (see this test's"
              + " Javadoc)",
          i < have.length ? have[i] : "(end of file)",
          equalTo(i < want.length ? want[i] : "(end of file)"));
    }
  }

  /** The renderer reads every part of a flag: a broken parser would pass the comparison above. */
  @Test
  public void everyFlagHasItsTypeDefaultAndDescription() {
    String md = FlagsDoc.render(FlagsDoc.help());
    assertThat(
        md,
        containsString(
            "| `--attributionWindow` | String | `15s` | Attribution window: a click counts iff 0"
                + " &lt;= click.ts - impression.ts &lt;= this (inclusive). |"));
    assertThat(md, containsString("| `--source` | kafka \\| files | `kafka` |"));
    assertThat(md, containsString("## Sinks (`SinkOptions`)"));
  }
}
