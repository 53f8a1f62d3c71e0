package dev.sluice.catalog;

import dev.sluice.catalog.lineage.CatalogLineageEmitter;
import dev.sluice.catalog.storage.GuardedFileIO;
import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Builds, on a background thread at start, what the first commits would otherwise build while
 * clients wait, each of them at once: the object store's clients (the file IO bean, built on first
 * use, with every other request parked behind it) and the lineage client's JSON serializers. Start
 * does not wait for it, nor does readiness; a request that comes first builds the same as before.
 */
@ApplicationScoped
public class StartupPriming {
  private static final Logger LOG = Logger.getLogger(StartupPriming.class);

  private final GuardedFileIO io;
  private final CatalogLineageEmitter lineage;

  @Inject
  public StartupPriming(GuardedFileIO io, CatalogLineageEmitter lineage) {
    this.io = io;
    this.lineage = lineage;
  }

  void onStart(@Observes StartupEvent event) {
    Thread thread = new Thread(this::prime, "sluice-priming");
    thread.setDaemon(true);
    thread.start();
  }

  private void prime() {
    long t0 = System.nanoTime();
    try {
      ClientProxy.unwrap(io);
      lineage.primeEventJson();
      LOG.debugf("Primed in %d ms", (System.nanoTime() - t0) / 1_000_000);
    } catch (RuntimeException e) {
      // the first request meets the same failure and reports it; nothing is lost here
      LOG.debugf(e, "Priming stopped: %s", e.getMessage());
    }
  }
}
