package io.ctrstream.serving.cli;

import io.ctrstream.serving.api.ApiServer;
import io.ctrstream.serving.api.ApiTokens;
import io.ctrstream.serving.store.ResultStore;
import io.ctrstream.serving.store.StoreUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ctr serve}: the HTTP API and the dashboard, until Ctrl-C. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Serve the HTTP API (/ctr/latest, /ctr/{campaign}, /openapi.json, …) and the dashboard (/).")
final class ServeCommand implements Callable<Integer> {
  @Mixin RedisOptions redis;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      description =
          "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every interface).")
  String bind;

  @Option(
      names = "--port",
      defaultValue = "8090",
      description = "Port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--cors-origin",
      paramLabel = "ORIGIN",
      description =
          "Let browser pages from ORIGIN (e.g. https://grafana.example.com, or *) call the API. Default: CORS off.")
  String corsOrigin;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "Clients and their campaigns, one per line: NAME sha256:HASH CAMPAIGNS (ctr token makes"
              + " them). Every route but /health then needs Authorization: Bearer <token>; the file"
              + " is read again when it changes. Default: none, every route open (loopback only).")
  Path tokenFile;

  @Option(
      names = "--insecure-open",
      description =
          "Serve every route without tokens on an address other than loopback. Default: refused.")
  boolean insecureOpen;

  @Option(
      names = "--tls-keystore",
      paramLabel = "FILE",
      description =
          "Serve HTTPS only, with the key and certificate chain of this PKCS12 keystore. Its"
              + " password: --tls-keystore-password-file, else env CTR_TLS_KEYSTORE_PASSWORD.")
  Path tlsKeystore;

  @Option(
      names = "--tls-keystore-password-file",
      paramLabel = "FILE",
      description = "A file holding the keystore's password.")
  Path tlsKeystorePasswordFile;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    ApiTokens tokens = tokens();
    if (tokens == null && !insecureOpen && !loopback(bind)) {
      throw new ParameterException(
          spec.commandLine(),
          "--bind="
              + bind
              + ": without --token-file every route answers anyone; give --token-file=FILE, or"
              + " --insecure-open to serve it open anyway");
    }
    ApiServer.TlsKeystore tls = tls();
    ResultStore store = redis.open();
    ApiServer server =
        new ApiServer(store, new ApiServer.Settings(bind, port, corsOrigin, tokens, tls));
    try {
      server.start();
    } catch (IOException e) {
      store.close();
      spec.commandLine()
          .getErr()
          .println("ctr serve: cannot listen on " + bind + ":" + port + ": " + e.getMessage());
      return 1;
    }
    try {
      store.ping();
    } catch (StoreUnavailableException e) {
      spec.commandLine()
          .getErr()
          .println(
              "ctr serve: warning: " + e.getMessage() + "; /health answers 503 until it is up");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  store.close();
                  stopped.countDown();
                },
                "ctr-serve-shutdown"));
    String base =
        (tls == null ? "http://" : "https://")
            + (bind.equals("0.0.0.0") ? "localhost" : bind)
            + ":"
            + server.port();
    out.println(
        "ctr serve: reading "
            + store.address()
            + (corsOrigin == null ? "; CORS off" : "; CORS origin " + corsOrigin)
            + (tokens == null
                ? "; no tokens: every route open"
                : "; " + tokens.size() + " clients in " + tokens.file())
            + "; Ctrl-C to stop");
    out.println(
        "ctr serve: dashboard "
            + base
            + "/  API "
            + base
            + "/ctr/latest  OpenAPI "
            + base
            + "/openapi.json");
    out.flush();
    stopped.await();
    return 0;
  }

  private ApiTokens tokens() {
    if (tokenFile == null) {
      return null;
    }
    try {
      return ApiTokens.read(tokenFile);
    } catch (IOException | IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--token-file="
              + tokenFile
              + ": "
              + (e.getMessage() == null ? e.toString() : e.getMessage()));
    }
  }

  private ApiServer.TlsKeystore tls() {
    if (tlsKeystore == null) {
      if (tlsKeystorePasswordFile != null) {
        throw new ParameterException(
            spec.commandLine(), "--tls-keystore-password-file: needs --tls-keystore=FILE");
      }
      return null;
    }
    if (!Files.isReadable(tlsKeystore)) {
      throw new ParameterException(
          spec.commandLine(), "--tls-keystore=" + tlsKeystore + ": cannot be read");
    }
    String password = System.getenv("CTR_TLS_KEYSTORE_PASSWORD");
    if (tlsKeystorePasswordFile != null) {
      try {
        password = Files.readString(tlsKeystorePasswordFile).strip();
      } catch (IOException e) {
        throw new ParameterException(
            spec.commandLine(),
            "--tls-keystore-password-file=" + tlsKeystorePasswordFile + ": cannot be read");
      }
    }
    if (password == null) {
      throw new ParameterException(
          spec.commandLine(),
          "--tls-keystore: its password is needed: --tls-keystore-password-file=FILE or env"
              + " CTR_TLS_KEYSTORE_PASSWORD");
    }
    return new ApiServer.TlsKeystore(tlsKeystore, password.toCharArray());
  }

  /** Whether {@code bind} is a loopback address (127.0.0.0/8, ::1, localhost). */
  static boolean loopback(String bind) {
    try {
      return InetAddress.getByName(bind).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
