package dev.sluice.catalog.freshness;

import dev.sluice.catalog.alerts.AlertWebhook;
import dev.sluice.catalog.lineage.BackgroundLoop;
import dev.sluice.catalog.persistence.FreshnessStore;
import dev.sluice.catalog.persistence.FreshnessStore.Violation;
import dev.sluice.catalog.persistence.JobStore;
import dev.sluice.lineage.freshness.FreshnessEvaluation;
import dev.sluice.lineage.freshness.FreshnessEvaluation.Verdict;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Judges freshness every {@code sluice.freshness.check-interval} on every replica, exports the
 * result as gauges and records transitions in the database:
 *
 * <ul>
 *   <li>fresh → stale: a violation row is inserted unless the dataset has one (one statement, so of
 *       several replicas exactly one inserts it) and its {@code alert} delivery is enqueued with
 *       it;
 *   <li>stale → fresh: the first pass that finds the dataset fresh notes when; a pass a whole check
 *       interval later, with no stale finding in between (which clears the note), deletes the row
 *       and enqueues its {@code resolved} delivery with the deletion. A violation resolves once and
 *       never alerts twice, and a dataset flapping within an interval raises nothing new.
 *   <li>a dataset that is no longer under a freshness contract (or no longer exists) resolves at
 *       once.
 * </ul>
 *
 * The gauges are this replica's last pass (at most one check interval old); the ages they show
 * count up to the moment of the scrape.
 */
@ApplicationScoped
public class FreshnessMonitor {
  private static final Logger LOG = Logger.getLogger(FreshnessMonitor.class);
  static final String STALENESS_METRIC = "sluice.dataset.staleness";
  static final String VIOLATIONS_METRIC = "sluice.dataset.freshness.violations";

  private final FreshnessService service;
  private final FreshnessStore store;
  private final FreshnessConfig config;
  private final AlertWebhook webhook;
  private final MultiGauge staleness;
  private final BackgroundLoop loop;
  private volatile FreshnessService.Evaluation last;

  @Inject
  public FreshnessMonitor(
      FreshnessService service,
      FreshnessStore store,
      FreshnessConfig config,
      AlertWebhook webhook,
      MeterRegistry registry) {
    this.service = service;
    this.store = store;
    this.config = config;
    this.webhook = webhook;
    this.staleness =
        MultiGauge.builder(STALENESS_METRIC)
            .baseUnit("seconds")
            .description("Seconds since the dataset's last data commit (datasets under a contract)")
            .register(registry);
    Gauge.builder(VIOLATIONS_METRIC, this, FreshnessMonitor::violations)
        .description("Datasets under a freshness contract that are stale now")
        .strongReference(true)
        .register(registry);
    this.loop = new BackgroundLoop("sluice-freshness", config.checkInterval(), this::pass);
  }

  void start(@Observes StartupEvent event) {
    if (config.checkInterval().isNegative() || config.checkInterval().isZero()) {
      throw new IllegalArgumentException(
          "sluice.freshness.check-interval must be positive: " + config.checkInterval());
    }
    loop.start();
    LOG.infof(
        "Freshness checked every %s; %s",
        config.checkInterval(),
        webhook.configured() ? "violations posted to the webhook" : "no webhook configured");
  }

  void stop(@Observes ShutdownEvent event) {
    loop.stop();
  }

  private double violations() {
    FreshnessService.Evaluation evaluation = last;
    return evaluation == null ? 0 : evaluation.staleCount();
  }

  private boolean pass() {
    try {
      check(Instant.now());
    } catch (RuntimeException e) {
      LOG.warnf(e, "Freshness check failed; trying again in %s", config.checkInterval());
    }
    return false;
  }

  /** One pass: judge, export, record transitions. */
  void check(Instant now) {
    FreshnessService.Evaluation evaluation = service.evaluate(now);
    last = evaluation;
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (Verdict verdict : evaluation.verdicts()) {
      Instant lastCommit = verdict.lastCommit();
      rows.add(
          MultiGauge.Row.of(
              Tags.of("dataset", verdict.dataset()),
              lastCommit,
              at -> Math.max(0, Duration.between(at, Instant.now()).toMillis() / 1000.0)));
    }
    staleness.register(rows, true);
    if (!evaluation.policyActive()) {
      return; // no policy yet on this replica: judge nothing, resolve nothing
    }

    Map<String, Violation> open = store.violations();
    for (Verdict verdict : evaluation.verdicts()) {
      Violation violation = open.remove(verdict.dataset());
      if (verdict.stale()) {
        if (violation == null) {
          raise(verdict, now);
        } else if (violation.freshSince() != null) {
          store.staleAgain(violation.dataset(), violation.violationId());
        }
      } else if (violation != null) {
        if (violation.freshSince() == null) {
          store.freshSince(violation.dataset(), violation.violationId(), now);
        } else {
          Instant freshBefore = now.minus(config.checkInterval());
          if (!violation.freshSince().isAfter(freshBefore)
              && store.close(
                  violation.dataset(),
                  violation.violationId(),
                  freshBefore,
                  delivery(resolved(violation, verdict, now)))) {
            LOG.infof(
                "%s is fresh again (violation %s)", verdict.dataset(), violation.violationId());
          }
        }
      }
    }
    for (Violation gone : open.values()) {
      if (store.close(
          gone.dataset(), gone.violationId(), null, delivery(resolved(gone, null, now)))) {
        LOG.infof(
            "%s is no longer under a freshness contract; violation %s resolved",
            gone.dataset(), gone.violationId());
      }
    }
  }

  private void raise(Verdict verdict, Instant now) {
    Violation violation =
        new Violation(
            verdict.dataset(),
            UUID.randomUUID().toString(),
            verdict.staleSince(),
            now,
            verdict.rootCause().dataset(),
            null);
    if (store.open(violation, delivery(alert(violation, verdict)))) {
      LOG.warnf("%s (violation %s)", verdict.sentence(), violation.violationId());
    }
  }

  private JobStore.NewJob delivery(FreshnessEvent event) {
    return webhook.delivery(event.kind() + " " + event.dataset(), event, "sluice:freshness");
  }

  static FreshnessEvent alert(Violation violation, Verdict verdict) {
    FreshnessEvaluation.Cause cause = verdict.rootCause();
    return new FreshnessEvent(
        FreshnessEvent.ALERT,
        violation.violationId(),
        verdict.dataset(),
        FreshnessEvaluation.spell(verdict.maxStaleness()),
        verdict.maxStaleness().toSeconds(),
        verdict.age().toSeconds(),
        verdict.lastCommit().toString(),
        violation.staleSince().toString(),
        violation.detectedAt().toString(),
        null,
        new FreshnessEvent.RootCause(
            cause.dataset(),
            cause.lastCommit().toString(),
            cause.age().toSeconds(),
            cause.bound().toSeconds(),
            verdict.sentence()),
        verdict.sentence());
  }

  /** {@code verdict} is null when the dataset is no longer judged. */
  static FreshnessEvent resolved(Violation violation, Verdict verdict, Instant now) {
    String summary =
        verdict == null
            ? violation.dataset() + " is no longer under a freshness contract"
            : violation.dataset()
                + " is fresh again: it last committed at "
                + verdict.lastCommit()
                + " and its upstream is within bounds";
    return new FreshnessEvent(
        FreshnessEvent.RESOLVED,
        violation.violationId(),
        violation.dataset(),
        verdict == null ? null : FreshnessEvaluation.spell(verdict.maxStaleness()),
        verdict == null ? null : verdict.maxStaleness().toSeconds(),
        verdict == null ? null : verdict.age().toSeconds(),
        verdict == null ? null : verdict.lastCommit().toString(),
        violation.staleSince().toString(),
        violation.detectedAt().toString(),
        now.toString(),
        new FreshnessEvent.RootCause(violation.rootCause(), null, null, null, null),
        summary);
  }

  /** The last pass of this replica, or null before the first. */
  FreshnessService.Evaluation last() {
    return last;
  }
}
