package io.ctrstream.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.ctrstream.pipeline.options.CtrConfig;
import io.ctrstream.pipeline.options.CtrOptions;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.values.PCollection;
import org.junit.Test;

/**
 * The Kafka variant of the job is constructed with every sink (it runs against a broker in the e2e
 * tests), under the step names its savepoints depend on.
 */
public class CtrPipelineConstructionTest {
  @Test
  public void kafkaJobHasItsSourceSinksAndCompactCoders() {
    PipelineOptionsFactory.register(CtrOptions.class);
    CtrOptions options =
        PipelineOptionsFactory.fromArgs(
                "--source=kafka",
                "--output=/tmp/never-written.jsonl",
                "--unattributedOutput=/tmp/never.jsonl",
                "--breakdowns=device,campaign_id+region",
                "--trendWindow=15m",
                "--trendPeriod=1m",
                "--resultsTopic=ctr-results")
            .as(CtrOptions.class);
    Pipeline pipeline = Pipeline.create(options);
    CtrGraph.Outputs out = CtrGraph.build(pipeline, CtrConfig.from(options));

    assertThat(out.results().isBounded(), equalTo(PCollection.IsBounded.UNBOUNDED));
    List<String> steps = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<String> javaSerialized = new ArrayList<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
            names.add(node.getFullName());
            if (node.getEnclosingNode() != null && node.getEnclosingNode().isRootNode()) {
              steps.add(node.getFullName());
            }
            return CompositeBehavior.ENTER_TRANSFORM;
          }

          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            names.add(node.getFullName());
          }

          @Override
          public void visitValue(
              org.apache.beam.sdk.values.PValue value, TransformHierarchy.Node producer) {
            if (value instanceof PCollection<?> pc
                && pc.getCoder().getClass().getName().contains("SerializableCoder")
                && producer.getFullName().startsWith("ReadEvents") == false) {
              javaSerialized.add(producer.getFullName());
            }
          }
        });
    assertThat(
        steps,
        equalTo(
            List.of(
                "ReadEvents",
                "ParseEvents",
                "AttributeClicks",
                "KeyByCampaignAndBreakdowns",
                "CtrPerKeyWindow",
                "Nowcast",
                "LatestAndPrevious",
                "CampaignChanges",
                "TrendPerCampaign",
                "DetectAnomalies",
                "WriteWindowsToRedis",
                "WriteLatestToRedis",
                "WriteTrendToRedis",
                "TrendLatestAndPrevious",
                "WriteTrendLatestToRedis",
                "WriteAlertsToRedis",
                "WriteAlertTopic",
                "WriteResultTopic",
                "FormatResults",
                "WriteResultFile",
                "WriteDeadLetterTopic",
                "FormatUnattributed",
                "WriteUnattributedFile")));
    assertThat("no Java serialization on the hot path", javaSerialized, equalTo(List.of()));
    // Flink operator uids, which savepoints map state by, derive from these names: the Kafka
    // offsets and the join's state restore only while they stay (docs/deploying.md)
    assertThat(
        names,
        hasItems(
            "ReadEvents/ReadKafkaBatches",
            "AttributeClicks/JoinOnImprIdShards",
            "CtrPerKeyWindow/SumCountsV3",
            "Nowcast/NowcastEarlyPanes"));
  }
}
