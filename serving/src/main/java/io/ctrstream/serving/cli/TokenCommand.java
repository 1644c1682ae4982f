package io.ctrstream.serving.cli;

import io.ctrstream.serving.api.ApiTokens;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ctr token NAME CAMPAIGNS}: a new API token for a client, and the line of {@code ctr serve
 * --token-file} that lets it read CAMPAIGNS. The file keeps only the token's SHA-256.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description =
        "Make an API token for a client: prints the token (give it to the client) and the line to"
            + " add to ctr serve's --token-file (it holds the token's hash, not the token).")
final class TokenCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "NAME",
      description = "The client's name (letters, digits, .-_).")
  String name;

  @Parameters(
      index = "1",
      paramLabel = "CAMPAIGNS",
      description =
          "Comma-separated campaign ids it may read, or * for every campaign and breakdown.")
  String campaigns;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    String[] made;
    try {
      made = ApiTokens.newToken(name, campaigns);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "NAME CAMPAIGNS: " + e.getMessage().replaceFirst("^line 1: ", ""));
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("token for " + name + " (give it to the client; it is not stored anywhere):");
    out.println("  " + made[0]);
    out.println("line for the token file:");
    out.println("  " + made[1]);
    out.flush();
    return 0;
  }
}
