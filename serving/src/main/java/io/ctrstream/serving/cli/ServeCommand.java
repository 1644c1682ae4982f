package io.ctrstream.serving.cli;

import io.ctrstream.serving.api.ApiServer;
import io.ctrstream.serving.store.ResultStore;
import io.ctrstream.serving.store.StoreUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    ResultStore store = redis.open();
    ApiServer server = new ApiServer(store, bind, port, corsOrigin);
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
    String base = "http://" + (bind.equals("0.0.0.0") ? "localhost" : bind) + ":" + server.port();
    out.println(
        "ctr serve: reading "
            + store.address()
            + (corsOrigin == null ? "; CORS off" : "; CORS origin " + corsOrigin)
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
}
