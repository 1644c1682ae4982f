package io.ctrstream.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * JobManager failover drills on the stack with high availability ({@code deploy/stack.sh up --ha}:
 * ZooKeeper, a leading and a standby JobManager): the leading JobManager killed, and ZooKeeper
 * restarted, each while the producer replays the Avazu sample; the job must go on from its latest
 * checkpoint without a person, and every Redis window must equal {@code ReferenceCtr} ({@link
 * Drill#finish}). Each prints its {@code drill …} line with the recovery time.
 */
public class JobManagerFailoverIT {
  @ClassRule public static final LocalStack STACK = LocalStack.withHa();

  private static final Duration WINDOW = Duration.ofSeconds(60);
  private static final Duration ATTRIBUTION = Duration.ofSeconds(15);

  private Drill drill;

  @After
  public void cancelJob() throws Exception {
    if (drill != null) {
      drill.cancel();
    }
  }

  @Test
  public void theStandbyTakesOverWhenTheLeadingJobManagerIsKilled() throws Exception {
    drill = Drill.start(STACK, "avazu-jm-kill", WINDOW, ATTRIBUTION);
    try (LatestWatcher latest = new LatestWatcher(STACK, drill.run.prefix())) {
      CompletableFuture<String> replay =
          drill.replay(Samples.AVAZU_IMPRESSIONS, Samples.AVAZU_CLICKS, 150);
      drill.awaitCheckpointWithMoreCounted("the JobManager kill");
      assertThat("the replay is still running at the kill", replay.isDone(), equalTo(false));
      long killed = System.nanoTime();
      STACK.killJobManager(1);
      // JobManager 2 leads once ZooKeeper ends the dead leader's session, recovers the job from
      // the HA storage and restores its latest checkpoint
      Await.until(
          "the job running on JobManager 2",
          Duration.ofMinutes(3),
          () ->
              "RUNNING".equals(STACK.jobState(drill.jobId)) && STACK.allTasksRunning(drill.jobId));
      long recovery = (System.nanoTime() - killed) / 1_000_000;
      STACK.startJobManager(1); // back as the standby
      replay.get();
      drill.finish(
          Samples.AVAZU_IMPRESSIONS,
          Samples.AVAZU_CLICKS,
          latest,
          "leading JobManager killed (kill -9), standby took over",
          "kill to every task running on the new leader: " + recovery + " ms");
    }
  }

  @Test
  public void theJobGoesOnAfterAZooKeeperRestart() throws Exception {
    drill = Drill.start(STACK, "avazu-zk", WINDOW, ATTRIBUTION);
    try (LatestWatcher latest = new LatestWatcher(STACK, drill.run.prefix())) {
      CompletableFuture<String> replay =
          drill.replay(Samples.AVAZU_IMPRESSIONS, Samples.AVAZU_CLICKS, 150);
      drill.awaitCheckpointWithMoreCounted("the ZooKeeper stop");
      long recovery = drill.outageOf("zookeeper", Duration.ofSeconds(10), replay);
      Await.until(
          "the job running after ZooKeeper is back",
          Duration.ofMinutes(3),
          () ->
              "RUNNING".equals(STACK.jobState(drill.jobId)) && STACK.allTasksRunning(drill.jobId));
      replay.get();
      drill.finish(
          Samples.AVAZU_IMPRESSIONS,
          Samples.AVAZU_CLICKS,
          latest,
          "ZooKeeper stopped 10 s, restarted on its data",
          "ZooKeeper start to new results in Redis: " + recovery + " ms");
    }
  }
}
