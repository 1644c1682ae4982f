package io.ctrstream.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * The job spread over two TaskManagers of one slot each (so its two parallel instances of every
 * step run in two JVMs and the shuffles cross the network): the same exact numbers, and a {@code
 * kill -9} of one TaskManager in the middle of a replay is survived too.
 */
public class TwoTaskManagersIT {
  @ClassRule public static final LocalStack STACK = LocalStack.withTaskManagers(2, 1);

  private static final Path IMPRESSIONS = Samples.AVAZU_IMPRESSIONS;
  private static final Path CLICKS = Samples.AVAZU_CLICKS;

  private Drill drill;

  @After
  public void cancelJob() throws Exception {
    if (drill != null) {
      drill.cancel();
    }
  }

  @Test
  public void avazuOnTwoTaskManagersSurvivesTheLossOfOne() throws Exception {
    drill = Drill.start(STACK, "avazu-2tm", Duration.ofSeconds(60), Duration.ofSeconds(15));
    Map<String, Integer> free = STACK.freeSlots();
    assertThat(
        "the job holds the one slot of each of two TaskManagers",
        free.values().stream().toList(),
        equalTo(java.util.List.of(0, 0)));
    try (LatestWatcher latest = new LatestWatcher(STACK, drill.run.prefix())) {
      CompletableFuture<String> replay = drill.replay(IMPRESSIONS, CLICKS, 150);
      drill.awaitCheckpointWithMoreCounted("the kill");
      assertThat("the replay is still running at the kill", replay.isDone(), equalTo(false));
      long recovery = drill.killTaskManagerAndAwaitRecovery(2);
      replay.get();
      drill.finish(
          IMPRESSIONS,
          CLICKS,
          latest,
          "2 TaskManagers x 1 slot, TaskManager 2 killed -9 and restarted",
          "kill to every task running: " + recovery + " ms");
    }
  }
}
