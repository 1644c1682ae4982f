package io.ctrstream.serving;

import io.ctrstream.serving.api.ApiServer;
import io.ctrstream.serving.store.ResultStore;
import org.junit.rules.ExternalResource;
import org.junit.rules.RuleChain;
import org.junit.rules.TestRule;

/**
 * The API server on a free port of 127.0.0.1, CORS off, reading a {@link SeededRedis}: a class rule
 * that starts both (Redis first) and stops both. Use {@link #rule()} as the {@code @ClassRule}.
 */
public final class SeededApi extends ExternalResource {
  private final SeededRedis redis = new SeededRedis();
  private ResultStore store;
  private ApiServer server;

  /** Redis around the server. */
  public TestRule rule() {
    return RuleChain.outerRule(redis).around(this);
  }

  @Override
  protected void before() throws Throwable {
    store = redis.store();
    server = new ApiServer(store, "127.0.0.1", 0, null);
    server.start();
  }

  @Override
  protected void after() {
    server.close();
    store.close();
  }

  public ApiServer server() {
    return server;
  }

  public ResultStore store() {
    return store;
  }

  /** The seeded Redis, for a test that writes more. */
  public SeededRedis redis() {
    return redis;
  }
}
