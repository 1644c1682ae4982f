package io.ctrstream.tools.backtest;

import io.ctrstream.pipeline.model.Click;
import io.ctrstream.pipeline.model.CtrSums;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.RawEvent;
import io.ctrstream.pipeline.nowcast.ClickDelayModels;
import io.ctrstream.pipeline.nowcast.DelayBins;
import io.ctrstream.pipeline.nowcast.DelayCdf;
import io.ctrstream.pipeline.nowcast.ImpressionTimes;
import io.ctrstream.pipeline.nowcast.Nowcast;
import io.ctrstream.pipeline.nowcast.NowcastBasis;
import io.ctrstream.pipeline.options.Durations;
import io.ctrstream.pipeline.options.InvalidFlagException;
import io.ctrstream.pipeline.options.TypedFlags;
import io.ctrstream.pipeline.transforms.EventParser;
import io.ctrstream.pipeline.transforms.EventTimeRange;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.joda.time.Duration;

/**
 * Evaluates {@link Nowcast} on recorded streams at simulated event times, with the job's own
 * pieces: {@link EventParser} for the records, {@link ImpressionTimes} for each window's
 * accumulator, {@link ClickDelayModels} learned from the clicks in event-time order, and the pane's
 * event time as the job defines it (the newest {@code ts} among the events the pane counts).
 *
 * <p>The streams are joined by the definition in docs/semantics.md (distinct {@code impr_id}s, the
 * earliest copy winning; distinct {@code click_id}s attributed iff {@code 0 <= click.ts −
 * impression.ts <= attributionWindow}) and replayed in event time with no disorder: at each
 * checkpoint {@code t} every event with {@code ts <= t} is in, nothing later. For each (key,
 * window) whose final CTR rests on at least {@code --minImpressions} impressions and one click, the
 * raw EARLY CTR and the nowcast are taken at 25, 50, 75 and 100 % of the window's life and at
 * window end + attribution window, and compared with the final CTR: relative error {@code (estimate
 * − final) / final}. Windows whose 25 % checkpoint has no delay distribution yet ({@link
 * NowcastBasis#NONE}) are counted apart.
 *
 * <p>Two bounds, which no job can compute, tell the estimator's error apart from its inputs': the
 * nowcast with {@code F} in hindsight (the distribution of every attributed delay of the recording,
 * {@link Estimate#NOWCAST_HINDSIGHT_F}), which no learned model can beat on average, and the CTR of
 * the impressions so far with all their clicks, ever ({@link Estimate#ALL_CLICKS_SO_FAR}), which is
 * what the nowcast estimates: its error is the luck of which impressions came first.
 *
 * <pre>
 *   deploy/backtest.sh                     # the synthetic iPinYou-like stream and the Avazu sample
 *   java … NowcastBacktest --impressionsFile=… --clicksFile=… --windowSize=1m --attributionWindow=30m
 * </pre>
 */
public final class NowcastBacktest {
  private static final double[] LIFE = {0.25, 0.5, 0.75, 1.0};
  private static final int CHECKPOINTS = LIFE.length + 1;

  private final long windowMillis;
  private final long attributionMillis;
  private final boolean perCampaign;
  private final int minImpressions;

  // impressions by impr_id: index into the arrays below
  private final Map<String, Integer> byId = new HashMap<>();
  private long[] imprTs = new long[1 << 16];
  private int[] imprCampaign = new int[1 << 16];
  private int impressions;
  private final List<String> campaigns = new ArrayList<>();
  private final Map<String, Integer> campaignIndex = new HashMap<>();
  // attributed clicks: ts and impression index
  private long[] clickTs = new long[1 << 12];
  private int[] clickImpression = new int[1 << 12];
  private int clicks;
  private long deadLetters;
  private long unattributed;

  NowcastBacktest(Duration window, Duration attribution, boolean perCampaign, int minImpressions) {
    this.windowMillis = window.getMillis();
    this.attributionMillis = attribution.getMillis();
    this.perCampaign = perCampaign;
    this.minImpressions = minImpressions;
  }

  /** Runs it; prints the table. Exit code 2 and one line for a wrong flag. */
  public static void main(String[] args) throws IOException {
    PipelineOptionsFactory.register(NowcastBacktestOptions.class);
    NowcastBacktestOptions o;
    Duration window;
    Duration attribution;
    try {
      TypedFlags.check(args, NowcastBacktestOptions.class);
      o = PipelineOptionsFactory.fromArgs(args).as(NowcastBacktestOptions.class);
      window = Durations.parsePositive("windowSize", o.getWindowSize());
      attribution = Durations.parse("attributionWindow", o.getAttributionWindow());
      if (!"campaign".equals(o.getKeyBy()) && !"all".equals(o.getKeyBy())) {
        throw new InvalidFlagException("keyBy", o.getKeyBy(), "must be campaign or all");
      }
      for (String[] f :
          new String[][] {
            {"impressionsFile", o.getImpressionsFile()}, {"clicksFile", o.getClicksFile()}
          }) {
        if (f[1] == null || !Files.isReadable(Paths.get(f[1]))) {
          throw new InvalidFlagException(f[0], String.valueOf(f[1]), "not a readable file");
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("ctrstream: " + e.getMessage());
      System.exit(2);
      return;
    }
    NowcastBacktest backtest =
        new NowcastBacktest(
            window, attribution, "campaign".equals(o.getKeyBy()), o.getMinImpressions());
    backtest.read(Paths.get(o.getImpressionsFile()), Paths.get(o.getClicksFile()));
    System.out.printf(
        Locale.ROOT,
        "nowcast backtest: %s and %s, %s windows, %s attribution, CTR per %s%n",
        o.getImpressionsFile(),
        o.getClicksFile(),
        Durations.format(window),
        Durations.format(attribution),
        o.getKeyBy());
    backtest.run().print(System.out);
  }

  /** Reads and joins the two streams. */
  void read(Path impressionsFile, Path clicksFile) throws IOException {
    EventParser parser = new EventParser(EventTimeRange.standard());
    long now = System.currentTimeMillis();
    lines(
        impressionsFile,
        line -> {
          ParsedRecord r = parser.parse(RawEvent.impression("impressions", line), now);
          if (r.impression() == null) {
            deadLetters += r.deadLetter() == null ? 0 : 1;
            return;
          }
          addImpression(r.impression());
        });
    Set<String> clickIds = new HashSet<>();
    List<Click> candidates = new ArrayList<>();
    lines(
        clicksFile,
        line -> {
          ParsedRecord r = parser.parse(RawEvent.click("clicks", line), now);
          if (r.click() == null) {
            deadLetters += r.deadLetter() == null ? 0 : 1;
            return;
          }
          candidates.add(r.click());
        });
    candidates.sort(Click.COPY_ORDER); // the earliest copy of a click_id first
    for (Click c : candidates) {
      if (!clickIds.add(c.clickId())) {
        continue;
      }
      Integer i = byId.get(c.imprId());
      long delay = i == null ? -1 : c.ts() - imprTs[i];
      if (i == null || delay < 0 || delay > attributionMillis) {
        unattributed++;
        continue;
      }
      if (clicks == clickTs.length) {
        clickTs = Arrays.copyOf(clickTs, clicks * 2);
        clickImpression = Arrays.copyOf(clickImpression, clicks * 2);
      }
      clickTs[clicks] = c.ts();
      clickImpression[clicks++] = i;
    }
  }

  private void addImpression(Impression imp) {
    Integer known = byId.get(imp.imprId());
    int campaign =
        campaignIndex.computeIfAbsent(
            imp.campaignId(),
            c -> {
              campaigns.add(c);
              return campaigns.size() - 1;
            });
    if (known != null) {
      if (imp.ts() < imprTs[known]) { // the earliest copy wins
        imprTs[known] = imp.ts();
        imprCampaign[known] = campaign;
      }
      return;
    }
    if (impressions == imprTs.length) {
      imprTs = Arrays.copyOf(imprTs, impressions * 2);
      imprCampaign = Arrays.copyOf(imprCampaign, impressions * 2);
    }
    imprTs[impressions] = imp.ts();
    imprCampaign[impressions] = campaign;
    byId.put(imp.imprId(), impressions++);
  }

  private static void lines(Path file, Consumer<String> each) throws IOException {
    InputStream in = Files.newInputStream(file);
    if (file.getFileName().toString().endsWith(".gz")) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) {
          each.accept(line);
        }
      }
    } catch (NoSuchFileException e) {
      throw new IOException("no file " + file, e);
    }
  }

  /** What is compared with the final CTR at each checkpoint. */
  enum Estimate {
    /** The raw EARLY CTR: clicks so far / impressions so far. */
    RAW,
    /** The job's nowcast, with the delay model learned so far. */
    NOWCAST,
    /** The nowcast with {@code F} in hindsight: a bound, not computable live. */
    NOWCAST_HINDSIGHT_F,
    /** Every click, ever, of the impressions so far / impressions so far: a bound. */
    ALL_CLICKS_SO_FAR
  }

  /**
   * {@code F} in hindsight: the share of the recording's attributed clicks with a delay of at most
   * each {@link DelayBins} edge, linear between them as the job's models are.
   */
  private DelayCdf hindsightCdf() {
    DelayBins bins = new DelayBins(Duration.millis(attributionMillis));
    long[] perBin = new long[bins.size()];
    for (int c = 0; c < clicks; c++) {
      perBin[bins.binOf(clickTs[c] - imprTs[clickImpression[c]])]++;
    }
    double[] atEdges = new double[bins.size() + 1];
    long cumulative = 0;
    for (int j = 0; j < bins.size(); j++) {
      cumulative += perBin[j];
      atEdges[j + 1] = clicks == 0 ? 1 : (double) cumulative / clicks;
    }
    atEdges[bins.size()] = 1;
    return new DelayCdf(bins, atEdges);
  }

  /** One window's pane-to-be: the job's accumulator for it, and what the evaluation records. */
  private static final class Pane {
    final int campaign; // -1 when keyed by all
    final long windowStart;
    final ImpressionTimes none;
    CtrSums sums = CtrSums.EMPTY;
    long finalImpressions;
    long finalClicks;
    final double[] raw = new double[CHECKPOINTS];
    final double[] nowcast = new double[CHECKPOINTS];
    final NowcastBasis[] basis = new NowcastBasis[CHECKPOINTS];
    final double[] hindsight = new double[CHECKPOINTS];
    final double[] allClicksSoFar = new double[CHECKPOINTS];
    long eventualClicksSoFar; // every click, ever, of the impressions in so far

    double estimate(Estimate e, int k) {
      return switch (e) {
        case RAW -> raw[k];
        case NOWCAST -> nowcast[k];
        case NOWCAST_HINDSIGHT_F -> hindsight[k];
        case ALL_CLICKS_SO_FAR -> allClicksSoFar[k];
      };
    }

    Pane(int campaign, long windowStart, long windowMillis) {
      this.campaign = campaign;
      this.windowStart = windowStart;
      this.none = ImpressionTimes.empty(windowStart, windowMillis);
    }
  }

  private long paneKey(int impression) {
    long start = Math.floorDiv(imprTs[impression], windowMillis) * windowMillis;
    return perCampaign ? start * 4096 + imprCampaign[impression] : start;
  }

  /** Replays the joined streams in event time and evaluates every checkpoint. */
  Result run() {
    Map<Long, Pane> panes = new HashMap<>();
    for (int i = 0; i < impressions; i++) {
      if (campaigns.size() > 4096) {
        throw new IllegalStateException("more than 4,096 campaigns");
      }
      int campaign = perCampaign ? imprCampaign[i] : -1;
      long start = Math.floorDiv(imprTs[i], windowMillis) * windowMillis;
      Pane p = panes.computeIfAbsent(paneKey(i), k -> new Pane(campaign, start, windowMillis));
      p.finalImpressions++;
    }
    for (int c = 0; c < clicks; c++) {
      panes.get(paneKey(clickImpression[c])).finalClicks++;
    }
    // checkpoints of the panes evaluated, in event time: (t, pane, checkpoint)
    List<Pane> evaluated = new ArrayList<>();
    List<long[]> checkpoints = new ArrayList<>();
    for (Pane p : panes.values()) {
      if (p.finalImpressions < minImpressions || p.finalClicks == 0) {
        continue;
      }
      evaluated.add(p);
      for (int k = 0; k < CHECKPOINTS; k++) {
        long t =
            k < LIFE.length
                ? p.windowStart + Math.round(LIFE[k] * windowMillis)
                : p.windowStart + windowMillis + attributionMillis;
        checkpoints.add(new long[] {t, evaluated.size() - 1, k});
      }
    }
    checkpoints.sort((a, b) -> Long.compare(a[0], b[0]));
    Integer[] imprOrder = new Integer[impressions];
    for (int i = 0; i < impressions; i++) {
      imprOrder[i] = i;
    }
    Arrays.sort(imprOrder, (a, b) -> Long.compare(imprTs[a], imprTs[b]));
    Integer[] clickOrder = new Integer[clicks];
    for (int c = 0; c < clicks; c++) {
      clickOrder[c] = c;
    }
    Arrays.sort(clickOrder, (a, b) -> Long.compare(clickTs[a], clickTs[b]));

    ClickDelayModels models = new ClickDelayModels(Duration.millis(attributionMillis));
    DelayCdf hindsight = hindsightCdf();
    int[] eventualClicks = new int[impressions];
    for (int c = 0; c < clicks; c++) {
      eventualClicks[clickImpression[c]]++;
    }
    int nextImpression = 0;
    int nextClick = 0;
    for (long[] cp : checkpoints) {
      long t = cp[0];
      while (nextImpression < impressions && imprTs[imprOrder[nextImpression]] <= t) {
        int i = imprOrder[nextImpression++];
        Pane p = panes.get(paneKey(i));
        p.sums = p.sums.plus(new CtrSums(1, 0, p.none.plus(imprTs[i], 1), imprTs[i]));
        p.eventualClicksSoFar += eventualClicks[i];
      }
      while (nextClick < clicks && clickTs[clickOrder[nextClick]] <= t) {
        int c = clickOrder[nextClick++];
        int i = clickImpression[c];
        Pane p = panes.get(paneKey(i));
        p.sums = p.sums.plus(new CtrSums(0, 1, null, clickTs[c]));
        models.observe(campaigns.get(imprCampaign[i]), imprTs[i], clickTs[c], 1);
      }
      Pane p = evaluated.get((int) cp[1]);
      int k = (int) cp[2];
      CtrSums sums = p.sums;
      if (sums.impressions() == 0) {
        p.raw[k] = 0;
        p.nowcast[k] = 0;
        p.basis[k] = NowcastBasis.NONE;
        p.hindsight[k] = 0;
        p.allClicksSoFar[k] = 0;
        continue;
      }
      boolean complete = k == LIFE.length;
      Nowcast n =
          nowcastOf(
              sums,
              complete,
              models.cdfFor(p.campaign < 0 ? null : campaigns.get(p.campaign), sums.newestTs()));
      p.raw[k] = sums.counts().ctr();
      p.nowcast[k] = n.ctr();
      p.basis[k] = n.basis();
      p.hindsight[k] =
          nowcastOf(
                  sums,
                  complete,
                  new ClickDelayModels.Choice(hindsight, NowcastBasis.POOLED, clicks))
              .ctr();
      p.allClicksSoFar[k] = (double) p.eventualClicksSoFar / sums.impressions();
    }
    return new Result(evaluated, panes.size(), deadLetters, unattributed, impressions, clicks);
  }

  /** A pane's nowcast as the job makes it: complete at window end + attribution, else estimated. */
  private static Nowcast nowcastOf(CtrSums sums, boolean complete, ClickDelayModels.Choice model) {
    return complete
        ? Nowcast.complete(sums.impressions(), sums.clicks())
        : Nowcast.estimate(sums.impressions(), sums.clicks(), sums.times(), sums.newestTs(), model);
  }

  /** The evaluation, per checkpoint. */
  record Result(
      List<Pane> panes,
      int windows,
      long deadLetters,
      long unattributed,
      int impressions,
      int clicks) {

    /** The windows evaluated whose 25 % checkpoint had a delay distribution. */
    List<Pane> withModel() {
      List<Pane> withModel = new ArrayList<>();
      for (Pane p : panes) {
        if (p.basis[0] != NowcastBasis.NONE) {
          withModel.add(p);
        }
      }
      return withModel;
    }

    /**
     * The relative errors at checkpoint {@code k} (0..3: 25..100 % of the window, 4: end +
     * attribution window) of an estimate, one per window of {@link #withModel}.
     */
    double[] errors(int k, Estimate estimate) {
      List<Pane> withModel = withModel();
      double[] errors = new double[withModel.size()];
      for (int w = 0; w < errors.length; w++) {
        Pane p = withModel.get(w);
        double fin = (double) p.finalClicks / p.finalImpressions;
        errors[w] = (p.estimate(estimate, k) - fin) / fin;
      }
      return errors;
    }

    void print(PrintStream out) {
      List<Pane> withModel = withModel();
      out.printf(
          Locale.ROOT,
          "%,d impressions, %,d attributed clicks (%,d clicks unattributed, %,d dead letters), %,d windows;"
              + " %,d evaluated (enough impressions and a click), %,d of them before enough delays were seen%n",
          impressions,
          clicks,
          unattributed,
          deadLetters,
          windows,
          panes.size(),
          panes.size() - withModel.size());
      out.printf(
          Locale.ROOT,
          "%-22s %8s  %14s %14s  %14s %14s  %7s  %s%n",
          "checkpoint",
          "windows",
          "raw |err| p50",
          "raw err mean",
          "now |err| p50",
          "now err mean",
          "ratio",
          "now - raw |err| p50, 95 % CI");
      String[] names = {
        "25 % of window", "50 % of window", "75 % of window", "window end", "end + attribution"
      };
      for (int k = 0; k < CHECKPOINTS; k++) {
        double[] rawErr = errors(k, Estimate.RAW);
        double[] nowErr = errors(k, Estimate.NOWCAST);
        double rawMedian = medianAbs(rawErr);
        double nowMedian = medianAbs(nowErr);
        double[] ci = differenceInterval(nowErr, rawErr);
        out.printf(
            Locale.ROOT,
            "%-22s %8d  %13.1f%% %+13.1f%%  %13.1f%% %+13.1f%%  %7s  %+.1f to %+.1f points%n",
            names[k],
            withModel.size(),
            100 * rawMedian,
            100 * mean(rawErr),
            100 * nowMedian,
            100 * mean(nowErr),
            rawMedian == 0 ? "-" : String.format(Locale.ROOT, "%.2f", nowMedian / rawMedian),
            100 * ci[0],
            100 * ci[1]);
      }
      out.printf(
          Locale.ROOT,
          "%-22s %8s  %16s %14s  %16s %14s   (bounds, not computable live)%n",
          "checkpoint",
          "windows",
          "hindsight |err|",
          "err mean",
          "all clicks |err|",
          "err mean");
      for (int k = 0; k < LIFE.length; k++) {
        double[] hindsight = errors(k, Estimate.NOWCAST_HINDSIGHT_F);
        double[] allClicks = errors(k, Estimate.ALL_CLICKS_SO_FAR);
        out.printf(
            Locale.ROOT,
            "%-22s %8d  %15.1f%% %+13.1f%%  %15.1f%% %+13.1f%%%n",
            names[k],
            withModel.size(),
            100 * medianAbs(hindsight),
            100 * mean(hindsight),
            100 * medianAbs(allClicks),
            100 * mean(allClicks));
      }
    }

    /**
     * A 95 % percentile bootstrap interval (Efron and Tibshirani, "An Introduction to the
     * Bootstrap", 1993, ch. 13) of {@code median|now| − median|raw|}, resampling windows with
     * replacement (both errors of a window together), 2,000 times, seeded: is the difference more
     * than the luck of which windows there were?
     */
    private static double[] differenceInterval(double[] now, double[] raw) {
      int n = now.length;
      if (n == 0) {
        return new double[] {Double.NaN, Double.NaN};
      }
      java.util.Random random = new java.util.Random(20261201L);
      int resamples = 2_000;
      double[] differences = new double[resamples];
      double[] a = new double[n];
      double[] b = new double[n];
      for (int r = 0; r < resamples; r++) {
        for (int i = 0; i < n; i++) {
          int pick = random.nextInt(n);
          a[i] = now[pick];
          b[i] = raw[pick];
        }
        differences[r] = medianAbs(a) - medianAbs(b);
      }
      Arrays.sort(differences);
      return new double[] {
        differences[(int) (0.025 * resamples)], differences[(int) (0.975 * resamples) - 1]
      };
    }

    static double medianAbs(double[] v) {
      if (v.length == 0) {
        return Double.NaN;
      }
      double[] a = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        a[i] = Math.abs(v[i]);
      }
      Arrays.sort(a);
      return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static double mean(double[] v) {
      double s = 0;
      for (double x : v) {
        s += x;
      }
      return v.length == 0 ? Double.NaN : s / v.length;
    }
  }
}
