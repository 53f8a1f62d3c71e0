package dev.sluice.catalog.catalog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Catalog counters beyond the per-endpoint HTTP metrics. */
@ApplicationScoped
public class CatalogMetrics {
  private final Counter pointerConflicts;
  private final Counter conflictsReturned;
  private final Counter commits;
  private final Counter queueBypasses;

  @Inject
  public CatalogMetrics(MeterRegistry registry) {
    this.pointerConflicts =
        Counter.builder("sluice.commit.conflicts")
            .description("Compare-and-swap attempts that found the metadata pointer moved")
            .register(registry);
    this.conflictsReturned =
        Counter.builder("sluice.commit.conflicts.returned")
            .description("Commits answered 409 after server-side retries were exhausted")
            .register(registry);
    this.commits =
        Counter.builder("sluice.commits")
            .description("Metadata pointer moves (table and view commits)")
            .register(registry);
    this.queueBypasses =
        Counter.builder("sluice.commit.queue.bypassed")
            .description(
                "Commits that went ahead without their turn: the wait bound passed or too many waited")
            .register(registry);
  }

  public void commitQueueBypassed() {
    queueBypasses.increment();
  }

  public void pointerConflict() {
    pointerConflicts.increment();
  }

  public void commitConflictReturned() {
    conflictsReturned.increment();
  }

  public void committed() {
    commits.increment();
  }
}
